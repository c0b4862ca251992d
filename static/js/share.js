// Share a meeting: the phone's own share sheet (Web Share API) where there is one, else copy
// the link to the clipboard, else show it ready to copy. Without JavaScript the link is shown.
(function () {
  "use strict";
  var button = document.querySelector("[data-share]");
  if (!button) { return; }
  var status = document.querySelector("[data-share-status]");
  var fallback = document.querySelector("[data-share-fallback]");
  var url = button.getAttribute("data-url");
  var title = button.getAttribute("data-title");
  button.hidden = false;
  document.querySelectorAll("[data-no-js-share]").forEach(function (el) { el.hidden = true; });

  function say(text) { status.hidden = false; status.textContent = text; }
  function showLink() {
    say(button.getAttribute("data-copy-failed"));
    fallback.hidden = false;
    var input = fallback.querySelector("input");
    input.focus();
    input.select();
  }
  function copy() {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say(button.getAttribute("data-copied")); }, showLink);
    } else {
      showLink();
    }
  }
  button.addEventListener("click", function () {
    if (typeof navigator.share === "function") {
      navigator.share({ title: title, url: url }).catch(function (error) {
        if (!error || error.name !== "AbortError") { copy(); } // cancelled by the person: leave it
      });
    } else {
      copy();
    }
  });
})();
