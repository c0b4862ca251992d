// Saved meetings on this device (localStorage), for "Save to my meetings" and My meetings.
// Optional: without JavaScript or storage, the plain links keep the list in the page's address.
// Nothing here talks to the server except by opening My meetings with the list in its address.
(function () {
  "use strict";
  var KEY = "community-hub.saved-meetings";
  var SLUG = /^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$/;

  function read() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (s) { return typeof s === "string" && SLUG.test(s); }) : [];
    } catch (e) {
      return null; // storage blocked (private mode, settings): keep the plain links
    }
  }
  function write(list) {
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); return true; } catch (e) { return false; }
  }
  if (read() === null || !write(read())) { return; }

  function myMeetingsUrl(base, list) { return list.length ? base + "?m=" + list.join(",") : base; }

  // A button carries its words, or finds them on the list it is in (the finder's results).
  function words(button, name) {
    var holder = button.hasAttribute(name) ? button : button.closest("[" + name + "]");
    return holder ? holder.getAttribute(name) : "";
  }
  document.querySelectorAll("[data-save]").forEach(function (button) {
    var slug = button.getAttribute("data-save");
    var status = document.querySelector("[data-save-status]");
    function show() {
      var saved = read().indexOf(slug) !== -1;
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      button.textContent = words(button, saved ? "data-label-saved" : "data-label-save");
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var list = read();
      var at = list.indexOf(slug);
      if (at === -1) { list.push(slug); } else { list.splice(at, 1); }
      write(list);
      show();
      if (status) {
        status.hidden = false;
        status.textContent = words(button, at === -1 ? "data-said-saved" : "data-said-removed");
      }
    });
  });
  document.querySelectorAll("[data-no-js-save]").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("a[data-my-meetings]").forEach(function (link) {
    if (link.getAttribute("href").indexOf("?") === -1) {
      link.addEventListener("click", function () { link.href = myMeetingsUrl(link.getAttribute("href"), read()); });
    }
  });

  var page = document.getElementById("my-meetings");
  if (!page) { return; }
  var params = new URLSearchParams(window.location.search);
  var stored = read();
  if (!params.has("m") && !params.has("add") && stored.length) {
    window.location.replace(myMeetingsUrl(page.getAttribute("data-page"), stored));
    return;
  }
  // Removing from the list removes from this device too, so it does not come back.
  page.querySelectorAll("[data-remove]").forEach(function (link) {
    link.addEventListener("click", function () {
      write(read().filter(function (s) { return s !== link.getAttribute("data-remove"); }));
    });
  });
})();
