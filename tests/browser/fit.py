"""What the fit tests measure in a board page: every part of the board on screen, no line of
text cut in two at a part's edge, and no two texts of a part drawn over each other."""

# The parts of the board that must stay on screen; in each, the elements that hold its texts,
# which must not overlap one another (their layout boxes: a glyph may reach a little beyond
# its line box, which no text drawn over another needs); and every line of text, which must
# be wholly inside its part or wholly out of sight (the leaderboard drops who does not fit
# its line), never cut in two.
MEASURE = """() => {
  const vw = window.innerWidth, vh = window.innerHeight, doc = document.documentElement;
  const PARTS = ".queues .tile, .today, .agent, .leaderboard, .figure, .messages";
  const HOLDERS = [
    ".tile__name", ".tile__level", ".tile__number dt", ".tile__number dd", ".tile__today",
    ".tile__alarms", ".tile__rule", ".tile__forecast", ".today__title", ".today__number",
    ".leaderboard__title", ".leaderboard__row",
    ".agent__icon", ".agent__name", ".agent__state", ".agent__timer", ".agent__today",
    ".figure__title", ".figure__main", ".figure__note", ".figure__logo", ".figure__text",
    ".trend__name", ".trend__now", ".trend .spark", ".trend__none", ".message",
  ].join(", ");
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const inside = (r, box) =>
    r.left >= box.left - 1 && r.right <= box.right + 1 &&
    r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  // Text an element cuts on purpose (an ellipsis, a line clamp) is measured as shown.
  const clipped = (el, root) => {
    for (let e = el; e && e !== root.parentElement; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.textOverflow === "ellipsis" || style.webkitLineClamp !== "none") {
        return e.getBoundingClientRect();
      }
    }
    return null;
  };
  const within = (r, box) => {
    const left = Math.max(r.left, box.left), right = Math.min(r.right, box.right);
    const top = Math.max(r.top, box.top), bottom = Math.min(r.bottom, box.bottom);
    return {left, right, top, bottom, width: right - left, height: bottom - top};
  };
  const lines = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || !shown(node.parentElement)) { continue; }
      const range = document.createRange();
      range.selectNodeContents(node);
      const clip = clipped(node.parentElement, root);
      for (const whole of range.getClientRects()) {
        const r = clip ? within(whole, clip) : whole;
        if (r.width > 0 && r.height > 0) {
          found.push({text: node.textContent.trim().slice(0, 30), r});
        }
      }
    }
    return found;
  };
  const name = (el) => (el.id || el.className).slice(0, 40);
  const report = {overlapping: [], cutOff: [], offScreen: []};
  for (const part of document.querySelectorAll(PARTS)) {
    const box = part.getBoundingClientRect();
    if (box.left < -1 || box.top < -1 || box.right > vw + 1 || box.bottom > vh + 1) {
      report.offScreen.push(name(part));
    }
    for (const line of lines(part)) {
      if (!inside(line.r, box) && overlap(line.r, box)) {
        report.cutOff.push(`${part.id}: ${line.text}`);
      }
    }
    const holders = [...part.querySelectorAll(HOLDERS)].filter(shown);
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const [a, b] = [holders[i], holders[j]];
        if (a.contains(b) || b.contains(a)) { continue; }
        if (overlap(a.getBoundingClientRect(), b.getBoundingClientRect())) {
          const said = (el) => `${name(el)} "${el.innerText.slice(0, 20)}"`;
          report.overlapping.push(`${part.id}: ${said(a)} over ${said(b)}`);
        }
      }
    }
  }
  report.document = [doc.scrollWidth, doc.scrollHeight];
  return report;
}"""
