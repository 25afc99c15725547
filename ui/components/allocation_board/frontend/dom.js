// Two small helpers the board and the projection (ui/components/projection) both use; each page loads this file first.
(() => {
  "use strict";
  // A template's {names} filled from `values` (a missing one is left empty).
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
  // An element with its class, text and attributes, and its children.
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  };
  window.portfolioDom = {fill, el};
})();
