// The idle timeout, told in time (WCAG 2.1 SC 2.2.1): components/session_timer.html.
//
// The page counts down from the seconds left that the server gave it; every answer to a
// request of this page corrects the count (header Polku-Idle-Remaining: the bell's polling,
// which does not extend the session, tells it too, so another tab's activity is seen). A
// warning opens data-warn-seconds before the end; its button (or Escape) posts the keepalive.
// When the server answers that the session has ended (header Polku-Session-Ended, with the
// HX-Redirect to sign-in) and the page has unsaved edits, the page stays and says so. Leaving
// a page whose forms hold unsaved edits (another than the one being sent) asks first.
// The elements are looked up each time: an error page or the ended role's page swaps the
// whole <body> (with a timer of its own) without running this script again.
(function () {
  "use strict";
  const first = document.getElementById("polku-session");
  if (!first) return;
  const warnBefore = Number(first.dataset.warnSeconds) * 1000;
  let deadline = Date.now() + Number(first.dataset.secondsLeft) * 1000;
  let timer = null;
  let returnFocus = null;
  let ended = false;
  let extending = false;
  let askedAt = 0;

  function root() {
    return document.getElementById("polku-session");
  }

  function dialog() {
    const element = root();
    return element && element.querySelector("dialog");
  }

  function schedule() {
    clearTimeout(timer);
    if (ended) return;
    const untilWarning = deadline - warnBefore - Date.now();
    if (untilWarning > 0) {
      closeWarning();
      timer = setTimeout(schedule, Math.min(untilWarning, 2147483647));
      return;
    }
    openWarning();
    const untilEnd = deadline - Date.now();
    if (untilEnd > 0) {
      timer = setTimeout(schedule, untilEnd + 1000);
    } else {
      // Past the end by this page's count: ask without extending (a background request),
      // so the answer says whether another tab kept the session.
      if (Date.now() - askedAt > 10000) {
        askedAt = Date.now();
        ask();
      }
      timer = setTimeout(schedule, 15000);
    }
  }

  function openWarning() {
    const warning = dialog();
    if (!warning || warning.open) return;
    returnFocus = document.activeElement;
    warning.showModal();
    // No autofocus attribute: in a closed dialog it would take the page's own autofocus.
    warning.querySelector("button").focus();
  }

  function closeWarning() {
    const warning = dialog();
    if (!warning || !warning.open) return;
    warning.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  function told(secondsLeft) {
    if (secondsLeft === null || secondsLeft === "") return;
    deadline = Date.now() + Number(secondsLeft) * 1000;
    schedule();
  }

  // Edits typed into the page's forms and not sent. A search or filter (a GET form) holds
  // nothing to lose; `except` is the form being sent now.
  function hasUnsavedEdits(except) {
    for (const pageForm of document.querySelectorAll("main form")) {
      if (pageForm === except || pageForm.method.toLowerCase() !== "post") continue;
      for (const field of pageForm.elements) {
        if (field.disabled || field.type === "hidden") continue;
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.checked !== field.defaultChecked) return true;
        } else if (field.tagName === "SELECT") {
          for (const option of field.options) {
            if (option.selected !== option.defaultSelected) return true;
          }
        } else if ("defaultValue" in field && field.value !== field.defaultValue) {
          return true;
        }
      }
    }
    return false;
  }

  // Whether to stay on the page rather than follow the redirect to sign-in.
  function staysAfterEnd() {
    if (!ended && !hasUnsavedEdits()) return false;
    ended = true;
    clearTimeout(timer);
    closeWarning();
    const banner = document.getElementById("polku-session-ended");
    if (banner && banner.hidden) {
      banner.setAttribute("role", "alert");
      banner.hidden = false;
      banner.focus();
    }
    return true;
  }

  async function ask() {
    const element = root();
    if (!element) return;
    let response;
    try {
      response = await fetch(element.dataset.statusUrl, {
        credentials: "same-origin",
        redirect: "manual",
        headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
      });
    } catch (error) {
      return; // offline: asked again in a while
    }
    if (response.headers.get("Polku-Session-Ended")) {
      if (!staysAfterEnd()) window.location.assign(response.headers.get("HX-Redirect"));
    } else {
      told(response.headers.get("Polku-Idle-Remaining"));
    }
  }

  // Posts the keepalive; answers "alive", "ended" or "unknown" (offline, or already asking).
  async function extend(form) {
    if (extending) return "unknown";
    extending = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
        // Answered as htmx is: an ended session gets HX-Redirect back to this page.
        headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
      });
    } catch (error) {
      extending = false;
      return "unknown"; // offline: the warning stays, the button can be pressed again
    }
    extending = false;
    if (response.status === 204) {
      told(response.headers.get("Polku-Idle-Remaining"));
      closeWarning();
      return "alive";
    }
    if (response.headers.get("Polku-Session-Ended")) {
      if (!staysAfterEnd()) window.location.assign(response.headers.get("HX-Redirect"));
      return "ended";
    }
    return "unknown";
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.closest("#polku-session")) return;
    event.preventDefault();
    extend(event.target);
  });
  // "cancel" (Escape on the open dialog) does not bubble: caught on its way down.
  document.addEventListener(
    "cancel",
    function (event) {
      if (event.target !== dialog()) return;
      event.preventDefault();
      extend(event.target.querySelector("form"));
    },
    true,
  );
  // A form of the page sent after the session has ended would be answered with the sign-in
  // page, and its text lost: the page keeps it and says so. Past the end by this page's count
  // (the computer slept, and no timer ran), the server is asked first: a session still alive
  // is kept (sending the form is use), and the form sent. An htmx form has been taken by htmx
  // (defaultPrevented); its answer is caught below.
  document.addEventListener("submit", async function (event) {
    const pageForm = event.target;
    if (event.defaultPrevented || !pageForm.closest("main")) return;
    if (pageForm.method.toLowerCase() !== "post") return;
    if (!ended && Date.now() < deadline) return;
    event.preventDefault();
    if (ended) {
      staysAfterEnd();
      document.getElementById("polku-session-ended")?.focus();
      return;
    }
    const keepalive = dialog()?.querySelector("form");
    if (keepalive && (await extend(keepalive)) === "alive") {
      pageForm.requestSubmit(event.submitter);
    }
  });
  // Leaving the page, or sending one form of it, while another holds edits not sent (the
  // minutes typed on a case page when a recommendation is saved): the browser asks first.
  let sending = null;
  document.addEventListener(
    "submit",
    function (event) {
      sending = event.target;
    },
    true,
  );
  window.addEventListener("beforeunload", function (event) {
    if (!ended && hasUnsavedEdits(sending)) {
      event.preventDefault();
      event.returnValue = "";
    }
    sending = null;
  });
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    const xhr = event.detail.xhr;
    if (xhr.getResponseHeader("Polku-Session-Ended") && staysAfterEnd()) event.preventDefault();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.xhr) told(event.detail.xhr.getResponseHeader("Polku-Idle-Remaining"));
  });
  schedule();
})();
