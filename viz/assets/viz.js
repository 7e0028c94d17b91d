// mapsafe visualizer. The data (scenarios of frames) is computed in Go and
// embedded in the page; this script only draws the current frame.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };
  let cur = 0, step = 0, timer = null;

  const frames = (s) => s.kind === "swiss" ? (s.swiss || []) : (s.classic || []);

  function tabs() {
    const nav = $("tabs");
    nav.textContent = "";
    data.scenarios.forEach((s, i) => {
      const b = el("button", { id: "tab-" + s.id, text: s.title, "data-kind": s.kind });
      b.onclick = () => { stop(); select(i, 0); };
      nav.append(b);
    });
  }

  function select(i, st) {
    cur = Math.max(0, Math.min(i, data.scenarios.length - 1));
    const n = frames(data.scenarios[cur]).length;
    step = Math.max(0, Math.min(st, n - 1));
    render();
  }

  function go(st) { select(cur, st); }

  // opBoundary finds the first step of the next (dir=1) or current/previous
  // (dir=-1) operation.
  function opBoundary(dir) {
    const fs = frames(data.scenarios[cur]);
    if (!fs.length) return 0;
    const op = fs[step].op;
    if (dir > 0) {
      let i = step;
      while (i < fs.length - 1 && fs[i].op === op) i++;
      return i;
    }
    let i = step;
    while (i > 0 && fs[i - 1].op === op) i--;
    if (i === step && i > 0) { const p = fs[i - 1].op; while (i > 0 && fs[i - 1].op === p) i--; }
    return i;
  }

  function render() {
    const s = data.scenarios[cur];
    const fs = frames(s);
    document.querySelectorAll("#tabs button").forEach((b, i) => b.classList.toggle("active", i === cur));
    $("desc").textContent = s.description;
    const slider = $("slider");
    slider.max = Math.max(0, fs.length - 1);
    slider.value = step;
    $("step").textContent = fs.length ? `step ${step + 1} / ${fs.length}` : "no steps";
    history.replaceState(null, "", `#${s.id}/${step}`);
    const view = $("view");
    view.textContent = "";
    $("fatal").hidden = true;
    if (s.error) {
      $("optext").textContent = "";
      $("event").textContent = "";
      view.append(el("p", { class: "error", id: "scenario-error", text: s.error }));
      return;
    }
    if (!fs.length) return;
    const f = fs[step];
    let who = "";
    if (s.goroutines && f.g >= 0) who = `[${s.goroutines[f.g]}] `;
    $("optext").textContent = `op ${f.op}: ${f.opText}`;
    $("event").textContent = who + f.event;
    if (f.fatal) { $("fatal").hidden = false; $("fatal").textContent = f.fatal; }
    view.dataset.kind = s.kind;
    if (s.kind === "swiss") renderSwiss(view, f); else renderClassic(view, f);
  }

  // ---- classic ----

  const slotState = (t) => t === 0 ? "empty-rest" : t === 1 ? "empty-one" : t === 2 ? "evac-x" : t === 3 ? "evac-y" : t === 4 ? "evac-empty" : "live";
  const slotMark = { "empty-rest": "emptyRest", "empty-one": "emptyOne", "evac-x": "evacX", "evac-y": "evacY", "evac-empty": "evacEmpty" };

  function renderClassic(view, f) {
    const h = f.header;
    const hdr = el("div", { class: "hdr", id: "hdr" });
    const item = (id, label, value) => hdr.append(el("span", {}, el("b", { text: label + " " }), el("span", { id: "hdr-" + id, text: String(value) })));
    item("count", "count", h.count);
    item("B", "B", h.B);
    item("buckets", "buckets", f.buckets ? f.buckets.length : 0);
    item("flags", "flags", h.flags);
    item("noverflow", "noverflow", h.noverflow);
    item("hash0", "hash0", h.hash0);
    item("growing", "growing", h.growing || "no");
    item("nevacuate", "nevacuate", h.growing ? `${h.nevacuate}/${h.oldCount}` : h.nevacuate);
    item("prealloc", "free prealloc ovf", h.prealloc);
    item("limit", "grows at count", h.loadLimit + 1);
    view.append(hdr);
    if (h.growing) {
      const bar = el("span", { class: "bar" },
        el("span", { class: "done", style: `width:${100 * h.evacuated / h.oldCount}%` }),
        el("span", { class: "mark", style: `width:${100 * h.nevacuate / h.oldCount}%` }));
      view.append(el("div", { class: "progress", id: "progress" }, `evacuation: ${h.evacuated}/${h.oldCount} old buckets evacuated, nevacuate=${h.nevacuate} `, bar));
    }
    const iters = el("div", { class: "iters", id: "iters" });
    (f.iters || []).forEach((c) => {
      let where = c.done ? "done" : c.array === "stale" ? `in an array the map no longer uses, bucket ${c.bucket}` : `at ${c.array} ${c.bucket}${c.chain ? " ovf#" + c.chain : ""} slot ${c.slot}`;
      const check = c.checkBucket >= 0 ? `, checkBucket ${c.checkBucket}` : "";
      iters.append(el("div", { "data-iter": c.iter, text: `iterator ${c.iter}: B=${c.B}, start bucket ${c.startBucket}, offset ${c.offset}${c.wrapped ? ", wrapped" : ""}${check}; ${where}` }));
    });
    view.append(iters);
    view.append(el("div", { class: "legend" },
      el("span", { class: "swatch-live", text: "live key@tophash" }), el("span", { class: "swatch-one", text: "emptyOne (1)" }),
      el("span", { class: "swatch-rest", text: "emptyRest (0)" }), el("span", { class: "swatch-x", text: "evacuatedX (2)" }),
      el("span", { class: "swatch-y", text: "evacuatedY (3)" }), el("span", { class: "swatch-e", text: "evacuatedEmpty (4)" })));
    if (f.old) {
      view.append(el("h2", { text: `oldbuckets (${f.old.length})` }));
      view.append(drawArray("old", f.old, f, h));
    }
    view.append(el("h2", { text: `buckets (${f.buckets ? f.buckets.length : 0})` }));
    view.append(drawArray("buckets", f.buckets || [], f, h));
  }

  function drawArray(name, chains, f, h) {
    const arr = el("div", { class: "array", id: name });
    const cursors = (f.iters || []).filter((c) => !c.done && (c.array === name || (name === "old" && c.array === "oldbuckets")));
    chains.forEach((chain, i) => {
      const evac = name === "old" && chain[0] && parseInt(chain[0].t.slice(0, 2), 16) > 1 && parseInt(chain[0].t.slice(0, 2), 16) < 5;
      let label = `${name === "old" ? "old " : ""}${i}`;
      const c = el("div", { class: "chain", "data-index": i });
      if (evac) c.classList.add("evacuated");
      if (name === "old" && i === h.nevacuate) { c.classList.add("nevac"); label += " \u25BC nevacuate"; }
      if (f.focus && f.focus.array === name && f.focus.bucket === i) c.classList.add("focus");
      const here = cursors.filter((k) => k.bucket === i);
      if (here.length) { c.classList.add("iter-at"); label += " it" + here.map((k) => k.iter).join(","); }
      c.append(el("div", { class: "label", text: label }));
      chain.forEach((b, j) => {
        if (j > 0) c.append(el("div", { class: "arrow", text: "\u2193 overflow" }));
        const bk = el("div", { class: "bucket" + (b.p ? " prealloc" : ""), "data-chain": j });
        for (let s = 0; s < 8; s++) {
          const t = parseInt(b.t.slice(2 * s, 2 * s + 2), 16);
          const st = slotState(t);
          const key = b.k[s] || "";
          const slot = el("div", { class: "slot", "data-state": st, "data-slot": s, title: `slot ${s}, tophash ${t}` });
          if (st === "live") slot.append(el("span", { class: "k", text: key }), el("span", { class: "th", text: t.toString(16).padStart(2, "0") }));
          else {
            slot.append(el("span", { class: "k", text: key }), el("span", { class: "th", text: slotMark[st] }));
            if (key) slot.classList.add("stale");
          }
          if (f.focus && f.focus.array === name && f.focus.bucket === i && f.focus.chain === j && f.focus.slot === s) slot.classList.add("focus");
          if (here.some((k) => k.chain === j && k.slot === s)) slot.classList.add("iter-slot");
          bk.append(slot);
        }
        c.append(bk);
      });
      arr.append(c);
    });
    return arr;
  }

  // ---- swiss ----

  function renderSwiss(view, f) {
    const hdr = el("div", { class: "hdr", id: "hdr" });
    const item = (id, label, value) => hdr.append(el("span", {}, el("b", { text: label + " " }), el("span", { id: "hdr-" + id, text: String(value) })));
    item("used", "used", f.used);
    item("small", "small", f.small);
    item("dirLen", "dirLen", f.dirLen);
    item("globalDepth", "globalDepth", f.globalDepth);
    item("tables", "tables", (f.tables || []).length);
    view.append(hdr);
    if (f.iter) {
      const c = f.iter;
      view.append(el("div", { class: "iters", id: "iters" }, el("div", { text: c.done ? "iterator: done" : `iterator: ${c.small ? "small group" : "table " + c.table} slot ${c.slot}${c.stale ? " (a table the map replaced)" : ""}` })));
    }
    if (f.small) {
      view.append(el("h2", { text: "small map: one group, no table" }));
      const t = el("div", { class: "table", id: "small" });
      t.append(drawGroups(f.smallGroup || "", f.iter && f.iter.small && !f.iter.done ? f.iter.slot : -1));
      view.append(t);
      return;
    }
    view.append(el("h2", { text: `directory (${f.dirLen} entries, global depth ${f.globalDepth})` }));
    const dir = el("div", { class: "dir", id: "dir" });
    (f.directory || []).forEach((t, i) => dir.append(el("span", { class: "dirent", "data-table": t, text: `${i} \u2192 T${t}` })));
    view.append(dir);
    (f.tables || []).forEach((t, i) => {
      const d = el("div", { class: "table", "data-table": i });
      d.append(el("div", { class: "stats", text: `T${i}: capacity ${t.capacity}, used ${t.used}, growthLeft ${t.growthLeft}, tombstones ${t.tombstones}, localDepth ${t.localDepth}, first directory entry ${t.index}` }));
      const at = f.iter && !f.iter.done && f.iter.table === i ? f.iter.slot : -1;
      d.append(drawGroups(t.ctrl, at));
      view.append(d);
    });
  }

  function drawGroups(hex, iterSlot) {
    const gs = el("div", { class: "groups" });
    for (let g = 0; g * 16 < hex.length; g++) {
      const grp = el("div", { class: "group", title: `group ${g}` });
      for (let s = 0; s < 8; s++) {
        const c = parseInt(hex.slice(g * 16 + 2 * s, g * 16 + 2 * s + 2), 16);
        const kind = c === 0x80 ? "empty" : c === 0xfe ? "deleted" : "full";
        const cell = el("span", { class: "ctrl", "data-c": kind, title: kind === "full" ? `H2 ${c.toString(16)}` : kind });
        if (kind === "full") cell.style.background = `hsl(${Math.round(c * 360 / 128)},55%,68%)`;
        if (g * 8 + s === iterSlot) cell.classList.add("iter-slot");
        grp.append(cell);
      }
      gs.append(grp);
    }
    return gs;
  }

  // ---- controls ----

  function stop() { if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; } }
  function play() {
    if (timer) { stop(); return; }
    $("play").textContent = "pause";
    timer = setInterval(() => {
      const n = frames(data.scenarios[cur]).length;
      if (step >= n - 1) { stop(); return; }
      go(step + 1);
    }, 150);
  }
  $("first").onclick = () => { stop(); go(0); };
  $("prev").onclick = () => { stop(); go(step - 1); };
  $("next").onclick = () => { stop(); go(step + 1); };
  $("last").onclick = () => { stop(); go(frames(data.scenarios[cur]).length - 1); };
  $("prevop").onclick = () => { stop(); go(opBoundary(-1)); };
  $("nextop").onclick = () => { stop(); go(opBoundary(1)); };
  $("play").onclick = play;
  $("slider").oninput = (e) => { stop(); go(+e.target.value); };
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT") return;
    const k = { ArrowLeft: () => go(step - 1), ArrowRight: () => go(step + 1), Home: () => go(0),
      End: () => go(frames(data.scenarios[cur]).length - 1), PageUp: () => go(opBoundary(-1)), PageDown: () => go(opBoundary(1)), " ": play }[e.key];
    if (k) { e.preventDefault(); if (e.key !== " ") stop(); k(); }
  });

  function fromHash() {
    const m = /^#([\w-]+)(?:\/(\d+))?$/.exec(location.hash);
    if (!m) return false;
    const i = data.scenarios.findIndex((s) => s.id === m[1]);
    if (i < 0) return false;
    select(i, m[2] ? +m[2] : 0);
    return true;
  }
  window.addEventListener("hashchange", () => { stop(); fromHash(); });

  if (data.live) {
    $("custom").hidden = false;
    $("run").onclick = async () => {
      $("runerr").textContent = "";
      try {
        const r = await fetch("api/classic?seed=" + encodeURIComponent($("seed").value), { method: "POST", body: $("ops").value });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error || r.statusText);
        const i = data.scenarios.findIndex((s) => s.id === body.id);
        if (i >= 0) data.scenarios[i] = body; else data.scenarios.push(body);
        tabs();
        stop();
        select(data.scenarios.findIndex((s) => s.id === body.id), 0);
      } catch (err) {
        $("runerr").textContent = String(err.message || err);
      }
    };
  }

  tabs();
  if (!fromHash()) select(0, 0);
  document.body.dataset.ready = "1";
})();
