// smart dashboard: keeps the page fresh when JavaScript is on. The page is
// complete without it (charts are server-rendered SVG); every 30 s this
// checks health.json and, when smart-dashboard has rendered since, swaps in
// the new page body. Relative times ("12 min ago") are updated too.
"use strict";
(() => {
  const PERIOD_MS = 30000;

  const age = (s) => {
    s = Math.max(0, s);
    if (s < 90) return `${Math.round(s)} s`;
    const min = Math.floor(s / 60);
    if (min < 90) return `${min} min`;
    const h = Math.floor(min / 60);
    if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
    return `${Math.floor(h / 24)} days`;
  };

  const updateTimes = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll("time[data-rel]")) {
      const t = Date.parse(el.getAttribute("datetime"));
      if (!Number.isNaN(t)) el.textContent = `${age((now - t) / 1000)} ago`;
    }
  };

  const swapPage = async () => {
    const response = await fetch("index.html", { cache: "no-store" });
    if (!response.ok) return;
    // DOMParser never runs scripts; the CSP would refuse inline ones anyway.
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    document.title = doc.title;
    for (const name of ["data-run-id", "data-health", "data-generated-at"]) {
      document.body.setAttribute(name, doc.body.getAttribute(name) || "");
    }
    document.body.replaceChildren(...Array.from(doc.body.childNodes, (n) => document.importNode(n, true)));
  };

  const refresh = async () => {
    try {
      const response = await fetch("health.json", { cache: "no-store" });
      if (response.ok) {
        const health = await response.json();
        if (health.generated_at !== document.body.dataset.generatedAt) await swapPage();
      }
    } catch (e) {
      // Offline or mid-render: keep showing what we have.
    }
    updateTimes();
  };

  updateTimes();
  setInterval(refresh, PERIOD_MS);
})();
