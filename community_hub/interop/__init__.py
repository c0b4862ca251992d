"""Speaking the field's formats: Meeting Guide feeds, Open Referral HSDS, iCalendar, CSV."""
