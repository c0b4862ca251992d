// Move focus to a form's error summary, so a screen reader reads it and the page shows it first.
// Without JavaScript the summary is still the first thing in the page.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
})();
