// The console's actions. Forms and buttons marked data-api="METHOD /console/api/…"
// call the console's JSON API with the session's CSRF token. A secret in the
// answer (data-once names its field) is shown once in a panel with a copy
// button; otherwise the page reloads to show the change.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";

  function call(spec, body) {
    var parts = spec.split(" ");
    var init = {
      method: parts[0],
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(parts[1], init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  // A form's fields as JSON: checkbox groups (data-array) are lists,
  // data-bool checkboxes booleans, data-lines textareas lists of lines.
  // Fields in hidden sections are left out.
  function formBody(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.closest("[hidden]")) return;
      if (el.type === "radio") { if (el.checked) body[el.name] = el.value; return; }
      if ("array" in el.dataset) {
        body[el.name] = body[el.name] || [];
        if (el.checked) body[el.name].push(el.value);
        return;
      }
      if ("bool" in el.dataset) { body[el.name] = el.checked; return; }
      if ("lines" in el.dataset) {
        body[el.name] = el.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        return;
      }
      if (el.value !== "") body[el.name] = el.value;
    });
    return body;
  }

  function problem(result) {
    var data = result.data || {};
    var text = data.detail || data.error || "The request failed (" + result.status + ").";
    if (Array.isArray(data.errors)) {
      text += " " + data.errors.map(function (e) { return e.field + ": " + e.message; }).join("; ");
    }
    return text;
  }

  function done(el, result) {
    var field = el.dataset.once;
    var value = field && result.data && result.data.data ? result.data.data[field] : null;
    if (value) {
      document.getElementById("once-value").textContent = value;
      var panel = document.getElementById("once");
      panel.hidden = false;
      panel.scrollIntoView();
      return;
    }
    if (el.dataset.then) { window.location.assign(el.dataset.then); return; }
    window.location.reload();
  }

  function run(el, body, errorBox) {
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
    call(el.dataset.api, body).then(function (result) {
      if (result.ok) { done(el, result); return; }
      if (errorBox) { errorBox.textContent = problem(result); errorBox.hidden = false; }
      else { window.alert(problem(result)); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.api) return;
    event.preventDefault();
    run(form, formBody(form), form.querySelector(".error"));
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest("button");
    if (!el) return;
    if (el.dataset.api && el.type === "button") {
      run(el, el.dataset.body ? JSON.parse(el.dataset.body) : undefined, null);
    } else if (el.dataset.copy) {
      var text = document.getElementById(el.dataset.copy).textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text);
      el.textContent = "Copied";
    } else if ("reload" in el.dataset) {
      window.location.reload();
    }
  });

  // The new-client form shows the fields of the grant type chosen.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.name !== "kind" || el.type !== "radio") return;
    document.querySelectorAll("[data-kind]").forEach(function (section) {
      section.hidden = section.dataset.kind !== el.value;
    });
  });
})();
