"""The Excel export's Waterfall, Parties and Japan-in-yen sheets (every notebook's Export to Excel):
the preset's tiers owner by owner, each party's cash flows with IRR, XIRR and PV, and Japan's MoF
stake in yen against its FILP bonds, hedged at the forwards and unhedged on the spot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fundlib.export.sheet import Book
from fundlib.export.spec import ExportSpec
from fundlib.structure import OWNER_LABELS, OWNERS, PAYEES

__all__ = ["Tier", "tiers_for", "waterfall_sheet", "parties_sheet", "irr_search_sheet", "japan_sheet", "PARTY_ROWS",
           "SHARE_NAMES", "SEARCH_STEPS"]

SHARE_NAMES = {"us_treasury": "ShareUS", "japan_mof": "ShareJapan", "other_lp": "ShareOtherLP",
               "us_retail": "ShareUSRetail", "japan_retail": "ShareJapanRetail"}
RETAIL = ("us_retail", "japan_retail")
OTHERS = tuple(o for o in OWNERS if o not in RETAIL)
LABELS = {**OWNER_LABELS, "manager": "Fund manager"}
SEARCH_STEPS = 60       # halvings of the IRR bracket: [−99.99%, 10,000%] to under 1e-16
# Parties with their own rows on the Parties sheet (ledger names), owners first.
PARTY_ROWS = (*OWNERS, "manager", "senior_lenders", "sub_lenders", "swap_counterparty", "exim", "jbic")
# Parties whose flows change sign more than once (fees in, calls out, recoveries in): a PV, not an IRR.
NO_IRR = ("swap_counterparty", "exim", "jbic")
_PARTY_LABELS = {**LABELS, "senior_lenders": "Senior bondholders", "sub_lenders": "Subordinated lenders",
                 "swap_counterparty": "Swap counterparty", "exim": "US Ex-Im Bank", "jbic": "JBIC",
                 "owners": "All owners together"}


@dataclass(frozen=True)
class Tier:
    """One waterfall tier as the workbook writes it (labels as in fundlib.waterfall)."""

    kind: str                           # roc, pref, catchup, until, split
    label: str
    owners: tuple = OWNERS
    rate: str = ""                      # a defined name on Inputs
    shares: dict | None = field(default=None)   # payee -> formula text (None: pro rata with carry)
    payee: str | None = None


def tiers_for(preset: str) -> list[Tier]:
    """The tiers of ``fundlib.waterfall.preset_terms`` with the hurdle and catch-up always written:
    at a zero hurdle they pay nothing, which is what the library's shorter list of tiers does."""
    if preset == "mou_2025":
        return [Tier("until", "50/50 until Japan recoups", rate="DeemedRate", payee="japan_mof",
                     shares={"us_treasury": "(1-MouJapanBefore)", "japan_mof": "MouJapanBefore"}),
                Tier("split", "After recoup: 90/10", shares={"us_treasury": "MouUSAfter", "japan_mof": "(1-MouUSAfter)"})]
    tail = [Tier("pref", "Preferred return", OTHERS if preset == "retail_first" else OWNERS, "Hurdle"),
            Tier("catchup", "Manager catch-up"), Tier("split", "Profit split")]
    if preset == "retail_first":
        return [Tier("roc", "Retail: capital back", RETAIL), Tier("pref", "Retail: preferred return", RETAIL, "RetailPrefRate"),
                Tier("roc", "Others: capital back", OTHERS), *tail]
    return [Tier("roc", "Return of capital"), *tail]


def _ownership(s, preset: str) -> None:
    """Scalars own_<owner> (who shares a pro-rata split) and pays_<owner> (who pays calls and cures)."""
    s.heading("Ownership under these terms")
    for o in OWNERS:
        if preset == "mou_2025":
            f = "1" if o == "japan_mof" else "0"
        elif preset == "retail_first" and o in RETAIL:
            f = f"IF(ShareUSRetail+ShareJapanRetail=0,RetailPresetShare,{SHARE_NAMES[o]})"
        elif preset == "retail_first" and o in ("us_treasury", "japan_mof"):
            n = SHARE_NAMES[o]
            f = f"IF(ShareUSRetail+ShareJapanRetail=0,{n}-(RetailPresetShare+RetailPresetShare)*{n}/(ShareUS+ShareJapan),{n})"
        else:
            f = SHARE_NAMES[o]
        what = ("share of calls and cures (the cash splits by the tiers below)" if preset == "mou_2025"
                else "share of distributions and of calls")
        s.scalar(f"own_{o}", f"{LABELS[o]}: {what}", "decimal", f)


def waterfall_sheet(book: Book, spec: ExportSpec) -> list[Tier]:
    tiers = tiers_for(spec.preset)
    s = book.sheet("Waterfall", spec.T, f"Waterfall: the distributable cash tier by tier, owner by owner ({spec.preset})",
                   "Each year's distributable cash (Debt sheet) passes through the tiers in order; each tier pays what it owes "
                   "and passes the rest down, as fundlib.waterfall.run_waterfall does. Every dollar is paid to someone.")
    _ownership(s, spec.preset)
    s.heading("Cash to distribute and capital paid in")
    s.row("dist", "Distributable cash", "usd_bn", "{distributable}")
    s.row("calls_total", "Capital paid in: calls + equity cures", "usd_bn", "{calls}+{cure}")
    for o in OWNERS:
        s.row(f"contrib_{o}", f"{LABELS[o]}: capital paid in", "usd_bn", f"{{own_{o}}}*{{calls_total}}")
    roc_owners = {o for t in tiers if t.kind == "roc" for o in t.owners}
    last_unret = {o: f"unretb_{o}" for o in roc_owners}
    for k, t in enumerate(tiers):
        if t.kind == "roc":
            for o in t.owners:
                last_unret[o] = f"unret{k}_{o}"
    if roc_owners:
        s.heading("Capital not yet returned, with this year's")
        for o in OWNERS:
            if o in roc_owners:
                s.row(f"unretb_{o}", f"{LABELS[o]}: unreturned capital", "usd_bn",
                      f"{{{last_unret[o]}@prev}}+{{contrib_{o}}}", total="")
    for k, t in enumerate(tiers):
        if t.kind == "pref":
            s.heading(f"Preferred return owed before tier {k + 1} ({t.label}), compounding on unreturned capital")
            for o in t.owners:
                end = f"due{k}_{o}"
                s.row(f"due0{k}_{o}", f"{LABELS[o]}: preferred return owed", "usd_bn",
                      f"{{{end}@prev}}+IF({{t}}>=1,{t.rate}*({{{last_unret[o]}@prev}}+{{{end}@prev}}),0)", total="")
        if t.kind == "until":
            s.heading(f"Before tier {k + 1}: what {LABELS[t.payee]} must recoup, with interest")
            s.row(f"recoup0{k}", "Still to recoup", "usd_bn", f"{{recoup{k}@prev}}*(1+{t.rate})+{{contrib_{t.payee}}}", total="")
    avail, op, mc = "dist", "{op_end@prev}", "{mc_end@prev}"
    unret = {o: f"unretb_{o}" for o in roc_owners}
    paid: dict[str, list[str]] = {p: [] for p in PAYEES}
    for k, t in enumerate(tiers):
        s.heading(f"Tier {k + 1}: {t.label}")
        pays = []
        if t.kind in ("roc", "pref"):
            owed = {o: (unret[o] if t.kind == "roc" else f"due0{k}_{o}") for o in t.owners}
            s.row(f"wowed{k}", "Owed under this tier", "usd_bn", "+".join(f"{{{v}}}" for v in owed.values()), total="")
            s.row(f"paid{k}", "Paid under this tier: the smaller of cash and what is owed", "usd_bn", f"MIN({{{avail}}},{{wowed{k}}})")
            for o in t.owners:
                s.row(f"pay{k}_{o}", f"{LABELS[o]}: paid, pro rata to what it is owed", "usd_bn",
                      f"IF({{wowed{k}}}>0,{{{owed[o]}}}/{{wowed{k}}},0)*{{paid{k}}}", style="result")
                pays.append((o, f"pay{k}_{o}"))
            for o in t.owners:
                after = f"unret{k}_{o}" if t.kind == "roc" else f"due{k}_{o}"
                s.row(after, f"{LABELS[o]}: still owed after this tier", "usd_bn", f"{{{owed[o]}}}-{{pay{k}_{o}}}", total="")
                if t.kind == "roc":
                    unret[o] = after
            if t.kind == "pref":
                s.row(f"op{k}", "Profit paid to the owners so far", "usd_bn", op + "+(" + "+".join(f"{{{p}}}" for _, p in pays) + ")",
                      total="")
                op = f"{{op{k}}}"
        elif t.kind == "catchup":
            s.row(f"need{k}", "Catch-up the manager needs to hold carry × all profit paid", "usd_bn",
                  f"(Carry*({op}+{mc})-{mc})/(1-Carry)", total="")
            s.row(f"pay{k}_manager", "Fund manager: catch-up (only with a hurdle, carry and catch-up)", "usd_bn",
                  f"IF(AND(Hurdle>0,CatchUpOn=1,Carry>0),MIN(MAX({{need{k}}},0),{{{avail}}}),0)", style="result")
            pays.append(("manager", f"pay{k}_manager"))
            s.row(f"mc{k}", "Carry paid to the manager so far", "usd_bn", f"{mc}+{{pay{k}_manager}}", total="")
            mc = f"{{mc{k}}}"
        elif t.kind == "until":
            v = t.shares[t.payee]
            s.row(f"cap{k}", f"Cash that lets {LABELS[t.payee]} recoup: still to recoup ÷ its share", "usd_bn",
                  f"MAX({{recoup0{k}}},0)/{v}", total="")
            for p, share in t.shares.items():
                s.row(f"pay{k}_{p}", f"{LABELS[p]}: its share of the smaller of cash and that", "usd_bn",
                      f"{share}*MIN({{{avail}}},{{cap{k}}})", style="result")
                pays.append((p, f"pay{k}_{p}"))
            s.row(f"recoup{k}", "Still to recoup (end of year)", "usd_bn", f"{{recoup0{k}}}-{{pay{k}_{t.payee}}}", total="")
        else:   # split: everything left
            shares = t.shares or {**{o: f"{{own_{o}}}*(1-Carry)" for o in OWNERS}, "manager": "Carry"}
            for p, share in shares.items():
                what = "carried interest" if p == "manager" else "its share of what is left"
                s.row(f"pay{k}_{p}", f"{LABELS[p]}: {what}", "usd_bn", f"{share}*{{{avail}}}", style="result")
                pays.append((p, f"pay{k}_{p}"))
            owners_paid = "+".join(f"{{{p}}}" for q, p in pays if q != "manager")
            s.row("op_end", "Profit paid to the owners so far (end of year)", "usd_bn", f"{op}+({owners_paid})", total="")
            mgr = [p for q, p in pays if q == "manager"]
            s.row("mc_end", "Carry paid to the manager so far (end of year)", "usd_bn",
                  f"{mc}+{{{mgr[0]}}}" if mgr else mc, total="")
        for p, key in pays:
            paid[p].append(key)
        s.row(f"avail{k}", "Cash left for the tiers below", "usd_bn",
              f"MAX({{{avail}}}-(" + "+".join(f"{{{key}}}" for _, key in pays) + "),0)")
        avail = f"avail{k}"
    s.heading("Paid out, by payee")
    for p in PAYEES:
        f = "+".join(f"{{{key}}}" for key in paid[p]) or "0"
        s.row(f"dist_{p}", f"{LABELS[p]}: distributions", "usd_bn", f, style="result")
    s.row("wf_check", "Check: distributable − everything paid out (0)", "usd_bn",
          "{dist}-(" + "+".join(f"{{dist_{p}}}" for p in PAYEES) + ")", style="check")
    return tiers


# What each party pays and receives, in its own words (an owner's by default).
_FLOW_WORDS = {"owner": ("capital calls and equity cures", "distributions"),
               "manager": ("nothing", "management fees and its share of the distributions (catch-up, carry)"),
               "senior_lenders": ("the bonds bought (debt drawn) and interest capitalized", "debt service and guarantee calls"),
               "sub_lenders": ("the subordinated debt lent", "its debt service"),
               "swap_counterparty": ("the swap settlements it pays the fund (SOFR above the fixed rate)",
                                     "the swap settlements the fund pays it, and guarantee calls on them"),
               "exim": ("guarantee calls", "guarantee fees and recoveries"),
               "jbic": ("guarantee calls", "guarantee fees and recoveries")}


def parties_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Parties", spec.T, "Parties: each party's cash flows, IRR and present value",
                   "Paid and received by each government, retail saver, the manager, the lenders and the guarantors; IRR "
                   "and XIRR (on the Timeline's dates) of the net flow, and its PV at the US Treasury par yield on Inputs.")
    flows = {o: (f"{{own_{o}}}*{{calls}}+{{own_{o}}}*{{cure}}", f"{{dist_{o}}}") for o in OWNERS}
    flows["manager"] = ("0", "{fee}+{dist_manager}")
    flows["senior_lenders"] = ("{draws_s}+{idc}", "{service_s}+{call_bonds}")
    flows["sub_lenders"] = ("{draws_j}", "{service_j}")
    flows["swap_counterparty"] = ("{swap_get}", "{swap_paid}+{call_swap}")
    flows["exim"] = ("{call_exim}", "{fee_exim}+{back_exim}")
    flows["jbic"] = ("{call_jbic}", "{fee_jbic}+{back_jbic}")
    for p in PARTY_ROWS:
        out, back = flows[p]
        s.heading(_PARTY_LABELS[p])
        paid, got = _FLOW_WORDS.get(p, _FLOW_WORDS["owner"])
        s.row(f"out_{p}", f"Paid: {paid}", "usd_bn", out)
        s.row(f"in_{p}", f"Received: {got}", "usd_bn", back)
        s.row(f"net_{p}", "Net cash flow: received − paid", "usd_bn", f"{{in_{p}}}-{{out_{p}}}", style="result")
    s.heading("All owners together")
    s.row("net_owners", "Net cash flow of all owners: the governments, other LPs and retail savers", "usd_bn",
          "+".join(f"{{net_{o}}}" for o in OWNERS), style="result")
    row = "{net_owners@row}"
    s.scalar("irr_owners", "All owners together: equity IRR (from the root the IRR search sheet brackets)", "decimal",
             f'IF(AND(MAX({row})>0,MIN({row})<0),IF(ISNUMBER({{seed_owners}}),IFERROR(IRR({row},{{seed_owners}}),'
             f'{{seed_owners}}),IFERROR(IRR({row}),"")),"")', style="result")
    s.heading("Returns and present values (IRR and XIRR start from the root the IRR search sheet brackets; the swap "
              "counterparty and the guarantors, whose flows can change sign more than once, have a PV and no IRR)")
    for p in PARTY_ROWS:
        row, lab = f"{{net_{p}@row}}", _PARTY_LABELS[p]
        sign = f"AND(MAX({row})>0,MIN({row})<0)"
        if p in NO_IRR:
            s.scalar(f"pv_{p}", f"{lab}: PV of the net flow at the discount rate on Inputs", "usd_bn",
                     f"{{net_{p}@0}}+NPV(PVRate,{{net_{p}@row1}})", style="result")
            continue
        seed, xseed = f"{{seed_{p}}}", f"{{xseed_{p}}}"
        s.scalar(f"irr_{p}", f"{lab}: IRR", "decimal",
                 f'IF({sign},IF(ISNUMBER({seed}),IFERROR(IRR({row},{seed}),{seed}),IFERROR(IRR({row}),"")),"")',
                 style="result")
        s.scalar(f"xirr_{p}", f"{lab}: XIRR on the Timeline's dates", "decimal",
                 f'IF({sign},IF(ISNUMBER({xseed}),IFERROR(XIRR({row},{{date@row}},{xseed}),{xseed}),'
                 f'IFERROR(XIRR({row},{{date@row}}),"")),"")', style="result")
        s.scalar(f"pv_{p}", f"{lab}: PV of the net flow at the discount rate on Inputs", "usd_bn",
                 f"{{net_{p}@0}}+NPV(PVRate,{{net_{p}@row1}})", style="result")
        s.scalar(f"moic_{p}", f"{lab}: money multiple (positive ÷ negative net flows)", "x",
                 f'IF(SUMIF({row},"<0")<0,SUMIF({row},">0")/-SUMIF({row},"<0"),"")', style="result")


def irr_search_sheet(book: Book, spec: ExportSpec) -> None:
    """A bisection for each party's IRR and XIRR, in formulas: the spreadsheet IRR searches by Newton's
    method from 10% and can miss the root of a heavy loss (or find a spurious one), so the Parties
    sheet starts IRR and XIRR from the root bracketed here."""
    s = book.sheet("IRR search", SEARCH_STEPS, "IRR search: each party's IRR and XIRR bracketed by bisection",
                   "Each step halves the bracket [IRRLow, IRRHigh] on Inputs, keeping the half where the NPV (XNPV) of the net "
                   "flow changes sign. The Parties sheet's IRR and XIRR start from the result, so they find the same root.",
                   year_label="Step", start=1)
    for p in (*(p for p in PARTY_ROWS if p not in NO_IRR), "owners"):
        s.heading(_PARTY_LABELS[p])
        for tag, f, lab in (("", "({net_%s@0}+NPV(%s,{net_%s@row1}))", "NPV"),
                            ("x", "XNPV(%s,{net_%s@row},{date@row})", "XNPV")):
            def npv(x, f=f):
                return f % ((p, x, p) if tag == "" else (x, p))
            mid = f"AVERAGE({{{tag}lo_{p}@prev}},{{{tag}hi_{p}@prev}})"
            keep = f"SIGN({npv(mid)})=SIGN({npv(f'{{{tag}lo_{p}@prev}}')})"
            s.row(f"{tag}lo_{p}", f"{lab} search: low end of the bracket", "decimal",
                  f"IF({keep},{mid},{{{tag}lo_{p}@prev}})", opening="IRRLow")
            s.row(f"{tag}hi_{p}", f"{lab} search: high end of the bracket", "decimal",
                  f"IF({keep},{{{tag}hi_{p}@prev}},{mid})", opening="IRRHigh")
            s.scalar(f"{tag}seed_{p}", f"{lab} search: the root (blank if the bracket holds none)", "decimal",
                     f'IF(SIGN({npv("IRRLow")})<>SIGN({npv("IRRHigh")}),AVERAGE({{{tag}lo_{p}@last}},{{{tag}hi_{p}@last}}),"")')


def japan_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Japan in yen", spec.T, "Japan in yen: the MoF stake funded by FILP bonds",
                   "Each dollar Japan pays in is raised in yen with FILP bonds at the FILP yield (coupons every year, "
                   "bought back at market value when the fund ends); dollars are converted at each date's locked forward "
                   "(hedged) or on the spot path.")
    s.heading("Exchange rates (yen per dollar)")
    s.row("fx_h", "Forward for each year's date: spot × ((1 + JPY zero + basis) ÷ (1 + USD zero))^t", "jpy_per_usd",
          "IF({t}=0,USDJPY,USDJPY*((1+INDEX({jpy_zero@row},{t})+Basis_bp*BP)/(1+INDEX({usd_zero@row},{t})))^{t})",
          style="result")
    s.row("fx_u", "Spot path: spot × (1 − yen appreciation)^t, or the what-if rate from year 1", "jpy_per_usd",
          "IF(AND({t}>=1,FxShockOn=1),UsdJpyShock,USDJPY*(1-YenAppreciation)^{t})", style="result")
    s.heading("FILP bonds bought back at the exit (at market value: no FILP debt outlives the fund)")
    s.row("bb_left", "Years to maturity at the exit of the bonds issued this year (≤ 0: matured, rolled at par)",
          "years", "ROUND(FilpTenor-(Life-{t}),0)")
    s.row("bb_price", "Buy-back price per ¥1 of face: coupons and principal left, on the JGB forwards from the exit",
          "factor", "IF({bb_left}<1,1,(FilpYield*SUM(INDEX({jpy_df@row},Life+1):INDEX({jpy_df@row},Life+{bb_left}))"
          "+INDEX({jpy_df@row},Life+{bb_left}))/INDEX({jpy_df@row},Life))", style="result")
    s.row("jdf", "JGB discount factor for the year (Curves; 1 at year 0)", "factor", "IF({t}=0,1,INDEX({jpy_df@row},{t}))")
    s.heading("Japan MoF in dollars")
    s.row("jp_out", "Paid in (calls and cures)", "usd_bn", "{out_japan_mof}")
    s.row("jp_in", "Received (distributions)", "usd_bn", "{in_japan_mof}")
    for tag, fx, lab in (("h", "fx_h", "hedged at the forwards"), ("u", "fx_u", "unhedged, on the spot path")):
        s.heading(f"In yen, {lab}")
        s.row(f"issued_{tag}", "FILP bonds issued to pay in", "jpy_tn", f"{{jp_out}}*{{{fx}}}/YenBnPerTn", style="result")
        s.row(f"got_{tag}", "Distributions received", "jpy_tn", f"{{jp_in}}*{{{fx}}}/YenBnPerTn", style="result")
        s.row(f"out_{tag}", "FILP bonds outstanding (end of year)", "jpy_tn", f"{{out_{tag}@prev}}+{{issued_{tag}}}", total="")
        s.row(f"coupon_{tag}", "FILP coupons on the bonds outstanding a year before", "jpy_tn",
              f"{{out_{tag}@prev}}*FilpYield", style="result")
        s.row(f"repaid_{tag}", "FILP bonds bought back when the fund ends, at their value on the JGB forwards", "jpy_tn",
              f"IF({{final}}=1,SUMPRODUCT({{issued_{tag}@row}},{{bb_price@row}}),0)", style="result")
        s.row(f"jnet_{tag}", "Net yen: received − coupons − principal", "jpy_tn",
              f"{{got_{tag}}}-{{coupon_{tag}}}-{{repaid_{tag}}}", style="result")
        s.row(f"jcum_{tag}", "Cumulative net yen", "jpy_tn", f"{{jcum_{tag}@prev}}+{{jnet_{tag}}}", total="")
        s.scalar(f"jpv_{tag}", "PV of the net yen on the JGB zero curve, Japan's budget view (0: the stake exactly "
                 "pays its funding)", "jpy_tn", f"SUMPRODUCT({{jnet_{tag}@row}},{{jdf@row}})", style="result")
