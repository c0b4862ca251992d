// Progressive enhancement for the finder: location, the visitor's time zone, an optional map.
// Everything here is optional: the form and results work without JavaScript.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }
  document.querySelectorAll(".js-only").forEach(function (el) {
    if (el.id !== "location-status") { el.hidden = false; }
  });
  var tz = document.getElementById("f-tz");
  try { if (tz && !tz.value) { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } } catch (e) { /* old browser */ }

  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  function say(text) { status.hidden = false; status.textContent = text; }
  if (button) {
    if (!("geolocation" in navigator)) { button.hidden = true; }
    button.addEventListener("click", function () {
      say(button.getAttribute("data-finding") || "Finding your location…");
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("f-lat").value = pos.coords.latitude.toFixed(3);
        document.getElementById("f-lng").value = pos.coords.longitude.toFixed(3);
        document.getElementById("f-q").value = "";
        form.submit();
      }, function () {
        say("We could not get your location. Type a town or postcode instead.");
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }
  // A typed place wins over an old location.
  var q = document.getElementById("f-q");
  if (q) {
    q.addEventListener("input", function () {
      document.getElementById("f-lat").value = "";
      document.getElementById("f-lng").value = "";
    });
  }

  var showMap = document.getElementById("show-map");
  var mapEl = document.getElementById("map");
  if (showMap && mapEl) {
    showMap.addEventListener("click", function () {
      showMap.hidden = true;
      mapEl.hidden = false;
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/vendor/leaflet/leaflet.css";
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = "/vendor/leaflet/leaflet.js";
      script.onload = function () {
        var markers = JSON.parse(document.getElementById("map-data").textContent || "[]");
        var map = window.L.map(mapEl);
        window.L.tileLayer(mapEl.getAttribute("data-tiles"), {
          attribution: mapEl.getAttribute("data-attribution"), maxZoom: 18
        }).addTo(map);
        var bounds = [];
        markers.forEach(function (m) {
          var marker = window.L.marker([m.lat, m.lng]).addTo(map);
          var link = document.createElement("a");
          link.href = m.url;
          link.textContent = m.name;
          marker.bindPopup(link);
          bounds.push([m.lat, m.lng]);
        });
        if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
      };
      document.head.appendChild(script);
    });
  }
})();
