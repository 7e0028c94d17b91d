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
      b.onclick = () => { stop(); select(i, s.start || 0); };
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
    view.append(classicLegend());
    (f.stale || []).forEach((a) => {
      view.append(el("h2", { text: `dropped array: the map no longer uses it, iterator ${a.iter} still reads it (${a.buckets.length} buckets)` }));
      view.append(drawArray("stale", a.buckets, f, h, a.iter));
    });
    if (f.old) {
      view.append(el("h2", { text: `oldbuckets (${f.old.length})` }));
      view.append(drawArray("old", f.old, f, h));
    }
    view.append(el("h2", { text: `buckets (${f.buckets ? f.buckets.length : 0})` }));
    view.append(drawArray("buckets", f.buckets || [], f, h));
  }

  // A legend entry: a sample drawn with the same classes as the real thing.
  const legendKey = (sample, text) => el("span", { class: "key" }, sample, el("span", { text }));
  const slotSample = (state, cls, k, th) => el("div", { class: "slot sample " + (cls || ""), "data-state": state }, el("span", { class: "k", text: k }), el("span", { class: "th", text: th }));

  function classicLegend() {
    return el("div", { class: "legend", id: "legend" },
      legendKey(slotSample("live", "", "7", "a3"), "live key, its tophash"),
      legendKey(slotSample("empty-one", "", "", "emptyOne"), "emptyOne (1): deleted"),
      legendKey(slotSample("empty-rest", "", "", "emptyRest"), "emptyRest (0): empty, nothing live after it"),
      legendKey(slotSample("evac-x", "", "", "evacX"), "evacuatedX (2): moved to the same index"),
      legendKey(slotSample("evac-y", "", "", "evacY"), "evacuatedY (3): moved to index + old size"),
      legendKey(slotSample("evac-empty", "", "", "evacEmpty"), "evacuatedEmpty (4)"),
      legendKey(slotSample("empty-one", "stale", "9", "emptyOne"), "struck-through key: left behind in an empty or evacuated slot"),
      legendKey(el("div", { class: "chain sample focus", "data-outline": "focus" }, slotSample("live", "focus", "7", "a3")), "red dashed: the bucket and slot this step touched"),
      legendKey(el("div", { class: "chain sample iter-at", "data-outline": "iter" }, slotSample("live", "iter-slot", "7", "a3")), "blue: an iterator's bucket, and the key it returned last"),
      legendKey(el("div", { class: "chain sample iter-at focus" }, slotSample("live", "iter-slot focus", "7", "a3")), "both: this step is the iterator's own"),
      legendKey(el("div", { class: "bucket sample prealloc", "data-outline": "prealloc" }, slotSample("empty-rest", "", "", "emptyRest")), "grey dashed border: a preallocated overflow bucket"),
      legendKey(el("span", { class: "sample nevac-mark", text: "\u25BC nevacuate" }), "the next old bucket to evacuate"));
  }

  // drawArray draws one bucket array: name is "buckets", "old" or "stale"
  // (the array iterator staleIter still reads after the map dropped it).
  function drawArray(name, chains, f, h, staleIter) {
    const id = name === "stale" ? "stale-" + staleIter : name;
    const arr = el("div", { class: "array", id });
    const mine = (c) => name === "stale" ? c.array === "stale" && c.iter === staleIter : c.array === name || (name === "old" && c.array === "oldbuckets");
    const cursors = (f.iters || []).filter((c) => !c.done && mine(c));
    const fo = f.focus && f.focus.array === name && (name !== "stale" || f.focus.iter === staleIter) ? f.focus : null;
    chains.forEach((chain, i) => {
      const evac = name === "old" && chain[0] && parseInt(chain[0].t.slice(0, 2), 16) > 1 && parseInt(chain[0].t.slice(0, 2), 16) < 5;
      let label = `${name === "old" ? "old " : ""}${i}`;
      const c = el("div", { class: "chain", "data-index": i });
      if (evac) c.classList.add("evacuated");
      if (name === "old" && i === h.nevacuate) { c.classList.add("nevac"); label += " \u25BC nevacuate"; }
      if (fo && fo.bucket === i) c.classList.add("focus");
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
          if (fo && fo.bucket === i && fo.chain === j && fo.slot === s) slot.classList.add("focus");
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
    view.append(swissLegend());
    if (f.iter) {
      const c = f.iter;
      view.append(el("div", { class: "iters", id: "iters" }, el("div", { text: c.done ? "iterator: done" : `iterator: ${c.small ? "small group" : "table " + c.table} slot ${c.slot}${c.stale ? " (a table the map replaced)" : ""}` })));
    }
    if (f.small) {
      view.append(el("h2", { text: "small map: one group, no table" }));
      const t = el("div", { class: "table", id: "small" });
      t.append(drawGroups(f.smallGroup || "", f.iter && f.iter.small && !f.iter.done ? f.iter.slot : -1, f.focus && f.focus.table < 0 ? f.focus.slot : -1));
      view.append(t);
      return;
    }
    view.append(el("h2", { text: `directory (${f.dirLen} entries, global depth ${f.globalDepth})` }));
    const dir = el("div", { class: "dir", id: "dir" });
    (f.directory || []).forEach((t, i) => dir.append(el("span", { class: "dirent", "data-table": t, text: `${i} \u2192 T${t}` })));
    view.append(dir);
    (f.tables || []).forEach((t, i) => {
      const d = el("div", { class: "table", "data-table": i });
      const fo = f.focus || { table: -2, slot: -1 };
      if ((fo.tables || []).includes(i)) d.classList.add("focus");
      d.append(el("div", { class: "stats", text: `T${i}: capacity ${t.capacity}, used ${t.used}, growthLeft ${t.growthLeft}, tombstones ${t.tombstones}, localDepth ${t.localDepth}, first directory entry ${t.index}` }));
      const at = f.iter && !f.iter.done && f.iter.table === i ? f.iter.slot : -1;
      d.append(drawGroups(t.ctrl, at, fo.table === i ? fo.slot : -1));
      view.append(d);
    });
  }

  // Full slots are shades of green (the hue follows H2), the colour of a
  // live key on the classic tabs, so that none can be read as an
  // evacuation mark (blue, purple there).
  const fullColour = (h2) => `hsl(${95 + Math.round(h2 * 50 / 128)},50%,${58 + (h2 % 3) * 6}%)`;

  function ctrlCell(c, cls) {
    const kind = c === 0x80 ? "empty" : c === 0xfe ? "deleted" : "full";
    const cell = el("span", { class: "ctrl " + (cls || ""), "data-c": kind, title: kind === "full" ? `H2 ${c.toString(16)}` : kind });
    if (kind === "full") cell.style.background = fullColour(c);
    return cell;
  }

  function swissLegend() {
    return el("div", { class: "legend", id: "legend" },
      legendKey(ctrlCell(0x80, "sample"), "empty"),
      legendKey(ctrlCell(0x23, "sample"), "full: a key; the shade follows its H2 (7 bits of its hash)"),
      legendKey(ctrlCell(0xfe, "sample"), "deleted (a tombstone: probes go on past it)"),
      legendKey(el("span", { class: "group sample focus", "data-outline": "focus" }, ctrlCell(0x80), ctrlCell(0x23, "focus"), ctrlCell(0x80)),
        "red dashed: the slot (and its group) this operation changed, or a table it created"),
      legendKey(el("span", { class: "group sample", "data-outline": "iter" }, ctrlCell(0x80), ctrlCell(0x23, "iter-slot"), ctrlCell(0x80)), "blue: the slot of the key the iterator returned last"));
  }

  function drawGroups(hex, iterSlot, focusSlot) {
    const gs = el("div", { class: "groups" });
    for (let g = 0; g * 16 < hex.length; g++) {
      const grp = el("div", { class: "group", title: `group ${g}` });
      for (let s = 0; s < 8; s++) {
        const cell = ctrlCell(parseInt(hex.slice(g * 16 + 2 * s, g * 16 + 2 * s + 2), 16));
        if (g * 8 + s === iterSlot) cell.classList.add("iter-slot");
        if (g * 8 + s === focusSlot) { cell.classList.add("focus"); grp.classList.add("focus"); }
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
        select(data.scenarios.findIndex((s) => s.id === body.id), body.start || 0);
      } catch (err) {
        $("runerr").textContent = String(err.message || err);
      }
    };
  }

  tabs();
  if (!fromHash()) select(0, data.scenarios.length ? data.scenarios[0].start || 0 : 0);
  document.body.dataset.ready = "1";
})();
