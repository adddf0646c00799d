/* decontrol: AG Grid cell renderers for the Control list (tier chips, value and FA bars). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

var TIER_COLORS = { foundational: "#c0392b", transactional: "#e67e22", legacy: "#16a085" };

dagcomponentfuncs.TierChip = function (props) {
  var tier = props.value || "";
  var override = props.data && props.data.tier_source && props.data.tier_source !== "rule";
  return React.createElement(
    "span",
    {
      className: "tier-chip tier-" + tier,
      style: { background: TIER_COLORS[tier] || "#95a5a6" },
      title: override ? "tier set by " + props.data.tier_source : "tier from the rules",
    },
    tier + (override ? " \u270e" : "")
  );
};

dagcomponentfuncs.BarCell = function (props) {
  var max = props.max || 0;
  var v = props.value;
  var text = props.textField && props.data ? props.data[props.textField] : v;
  var pct = v === null || v === undefined || !max ? 0 : Math.max(0, Math.min(100, (100 * v) / max));
  return React.createElement(
    "div",
    { className: "bar-cell" },
    React.createElement("div", { className: "bar-cell-bar", style: { width: pct + "%", background: props.color || "#3498db" } }),
    React.createElement("span", { className: "bar-cell-text" + (v === null || v === undefined ? " text-muted" : "") }, text)
  );
};

/* The ECCN as a link to its eCFR text (`base`: optimizer.sources.ecfr_url's prefix; a split item such
   as "2B001-rest" links its ECCN). A new tab: a click on the link does not leave the Control list, and
   the click still reaches the row, which opens the item panel as any cell does. */
dagcomponentfuncs.EccnLink = function (props) {
  var eccn = props.value || "";
  var base = String(eccn).split("-")[0].toUpperCase();
  if (!base || !props.base) {
    return eccn;
  }
  return React.createElement(
    "a",
    {
      href: props.base + encodeURIComponent(base),
      target: "_blank",
      rel: "noopener noreferrer",
      className: "eccn-link",
      title: "eCFR text of " + base + " (opens in a new tab)",
    },
    eccn
  );
};
