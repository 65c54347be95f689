// Building elements without HTML strings: the page's CSP forbids inline
// styles and scripts, and text set as text cannot inject markup.

/** h("a", {href: "#/", class: "x", "data-testid": "y", onclick: f}, "text", child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (key === "checked" || key === "value" || key === "disabled" || key === "selected") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : value);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Rebuild a region only when its data changed, so that open <details>,
 * ticked boxes and selections survive a poll that brought nothing new. */
export function fillIfChanged(el, data, build) {
  const key = JSON.stringify(data);
  if (el.dataset.rendered === key) return false;
  el.dataset.rendered = key;
  fill(el, build());
  return true;
}

/** A button that asks once more before it acts: native confirm() dialogs
 * are easy to click through and block the page. */
export function confirmButton(label, attrs, action, enabled = () => true) {
  let armed = null;
  const button = h("button", {
    ...attrs,
    type: "button",
    onclick: async () => {
      if (!armed) {
        button.textContent = `Confirm ${label.toLowerCase()}?`;
        button.classList.add("armed");
        armed = setTimeout(() => disarm(), 4000);
        return;
      }
      disarm();
      button.disabled = true;
      try {
        await action();
      } finally {
        button.disabled = !enabled();
      }
    },
  }, label);
  function disarm() {
    clearTimeout(armed);
    armed = null;
    button.textContent = label;
    button.classList.remove("armed");
  }
  return button;
}

/** A button that is disabled while its action runs, and after it while
 * enabled() says so (a bulk action with nothing selected any more). */
export function actionButton(label, attrs, action, enabled = () => true) {
  const button = h("button", {
    ...attrs,
    type: "button",
    onclick: async () => {
      button.disabled = true;
      try {
        await action();
      } finally {
        button.disabled = !enabled();
      }
    },
  }, label);
  return button;
}
