"""The Excel export's Timeline, Fund, Plan and Debt sheets (every notebook's Export to Excel): capital
calls, purchases, CFADS, fees and the exit sale; the principal plan sculpted at close; and the
year-by-year cascade of fundlib.chain through reserve, equity cures, both tranches and guarantees.
"""

from __future__ import annotations

from fundlib.export.sheet import Book
from fundlib.export.spec import ExportSpec

__all__ = ["timeline_sheet", "fund_sheet", "plan_sheet", "debt_sheet"]


def timeline_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Timeline", spec.T, "Timeline: the fund's years",
                   "Year 0 is financial close (the market snapshot's month-end); the fund ends and sells its assets in the last year.")
    s.row("t", "Year index t", "year", values=list(range(spec.T)))
    s.row("date", "Date: the close's month-end, t years on (for XIRR)", "date",
          "EOMONTH(DATE(YEAR(CloseDate)+{t},MONTH(CloseDate),1),0)")
    s.row("final", "Final year: the assets are sold and the debt repaid (1 = yes)", "flag", "IF({t}=Life,1,0)")
    s.row("call_year", "Capital-call year (1 = yes)", "flag", "IF({t}<DeployYears,1,0)")


def fund_sheet(book: Book, spec: ExportSpec, cf_key: str) -> None:
    s = book.sheet("Fund", spec.T, "Fund: capital in, assets bought, the assets' cash and the sale at exit",
                   "Each call buys assets of call × leverage, the rest borrowed; the first call also funds the debt-service "
                   "reserve and buys that much less. The assets earn the Profile's scaled CFADS by age, and at the end the "
                   "assets still held are sold at their value on the USD forwards + the asset risk premium.")
    s.heading("Capital and purchases")
    s.scalar("call_per_year", "Capital called in each call year: equity ÷ call years", "usd_bn", "Equity/DeployYears")
    s.scalar("purchase_per_call", "Assets bought with each call: call × leverage", "usd_bn", "{call_per_year}*Leverage")
    s.row("calls", "Capital calls (all owners)", "usd_bn", "IF({call_year}=1,{call_per_year},0)")
    s.row("reserve_funded", "Debt-service reserve funded at close (Plan sheet)", "usd_bn", "IF({t}=0,{dsra},0)")
    s.row("purchases", "Assets bought: call × leverage, less the reserve funded", "usd_bn",
          "{calls}*Leverage-{reserve_funded}")
    s.row("draws", "Debt drawn: call × leverage − call", "usd_bn", "{calls}*Leverage-{calls}")
    s.row("draws_s", "of which senior (guaranteed)", "usd_bn", "(1-SubShare)*{draws}")
    s.row("draws_j", "of which subordinated", "usd_bn", "SubShare*{draws}")
    s.row("calls_cum", "Capital paid in so far (end of year)", "usd_bn", "{calls_cum@prev}+{calls}", total="")
    s.heading("The assets' cash")
    rng = "INDEX({%s@row},MAX({t}-DeployYears+1,0)+1):INDEX({%s@row},{t}+1)"
    s.row("cfads", "CFADS: each call's purchase × the scaled profile at its age, summed over the calls so far, less "
          "the reserve's share of the first", "usd_bn",
          "{purchase_per_call}*SUM(" + rng % (cf_key, cf_key) + ")-{dsra}*INDEX({%s@row},{t}+1)" % cf_key, style="result")
    s.row("exit", "Exit sale: the assets still held at their value (never below zero)", "usd_bn",
          "IF({final}=1,MAX({purchase_per_call}*SUM(" + rng % ("held_value", "held_value") + ")"
          "-{dsra}*INDEX({held_value@row},{t}+1),0),0)", style="result")
    s.row("from_projects", "Cash from the projects (positive CFADS)", "usd_bn", "MAX({cfads},0)")
    s.row("to_projects", "Project shortfall paid by the fund (negative CFADS)", "usd_bn", "MAX(-{cfads},0)")
    s.row("fee", "Management fee (on committed equity, or on capital paid in before the year)", "usd_bn",
          "IF({t}>=1,MgmtFee*IF(FeeOnCommitted=1,Equity,{calls_cum@prev}),0)", style="result")
    s.row("cash0", "Cash after the fee: CFADS + exit − fee", "usd_bn", "{cfads}+{exit}-{fee}")


def _sculpt(s, tag: str, what: str, profile: str, purchases: str) -> None:
    """Rows of one sculpted plan on the Plan sheet (keys ``{tag}_...``)."""
    rng = "INDEX({%s@row},MAX({pt}-DeployYears+1,0)+1):INDEX({%s@row},{pt}+1)" % (profile, profile)
    s.heading(what)
    s.row(f"{tag}_cf", "CFADS of the assets bought", "usd_bn", purchases + "*SUM(" + rng + ")" + (
        "" if tag == "close" else "-{dsra}*INDEX({%s@row},{pt}+1)" % profile), total="")
    s.row(f"{tag}_w", "Weight: CFADS in the tenor's years 1..DebtTenor (never negative)", "usd_bn",
          f"IF(AND({{pt}}>=1,{{pt}}<=DebtTenor),MAX({{{tag}_cf}},0),0)", total="")
    s.scalar(f"{tag}_kappa", "Sculpting factor: PV of the draws ÷ PV of the weights", "factor",
             f"IF(SUMPRODUCT({{{tag}_w@row}},{{plan_df@row}})>0,SUMPRODUCT({{plan_draws@row}},{{plan_df@row}})"
             f"/SUMPRODUCT({{{tag}_w@row}},{{plan_df@row}}),0)")
    s.row(f"{tag}_ds", "Planned debt service", "usd_bn", f"{{{tag}_kappa}}*{{{tag}_w}}")
    s.row(f"{tag}_int", "Planned interest", "usd_bn", f"{{{tag}_bal@prev}}*DebtRate")
    s.row(f"{tag}_prin", "Planned principal (negative: interest capitalized)", "usd_bn",
          f"IF({{pt}}>=1,MIN({{{tag}_ds}}-{{{tag}_int}},{{{tag}_bal@prev}}),0)")
    s.row(f"{tag}_raw", "Planned balance before the rounding rule", "usd_bn",
          f"{{{tag}_bal@prev}}+{{{tag}_int}}+{{plan_draws}}-IF({{pt}}>=1,{{{tag}_ds}},0)", total="")
    s.row(f"{tag}_bal", "Planned balance (end of year)", "usd_bn",
          f"IF(ABS({{{tag}_raw}})<PlanTolerance*MAX(1,SUM({{plan_draws@row}})),0,{{{tag}_raw}})", total="")


def plan_sheet(book: Book, spec: ExportSpec, plan_key: str) -> None:
    s = book.sheet("Plan", spec.P, "Plan: the debt plans sculpted to the CFADS, the swap and the debt-service reserve",
                   "Debt service is proportional to the CFADS over the tenor, so that at the cost of debt it repays what was "
                   "drawn; interest is capitalized while the CFADS is too small. The plan at close (base CFADS) sizes the "
                   "swap and the reserve; the debt follows the plan on the assets bought and, if late, the late CFADS. "
                   "Columns run past the fund's life.")
    s.row("pt", "Year index", "year", values=list(range(spec.P)))
    s.row("plan_draws", "Debt drawn", "usd_bn", "IF({pt}<DeployYears,{purchase_per_call}-{call_per_year},0)")
    s.row("plan_df", "Discount factor at the cost of debt", "factor", "(1+DebtRate)^(-{pt})")
    _sculpt(s, "close", "The plan at close: base CFADS of call × leverage (sizes the swap and the reserve)",
            "prof_base_scaled", "{purchase_per_call}")
    s.scalar("dsra", "Debt-service reserve: DSRAMonths ÷ 12 × the largest senior service of the plan at close in the "
             "fund's years (at most what the first call buys)", "usd_bn",
             "MIN(DSRAMonths/MonthsPerYear*(1-SubShare)*MAX(INDEX({close_ds@row},1):INDEX({close_ds@row},Life+1)),"
             "{purchase_per_call})",
             style="result")
    _sculpt(s, "plan", "The plan the debt follows: the assets bought (after the reserve), late CFADS if late",
            plan_key, "{purchase_per_call}")


def debt_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Debt", spec.T, "Debt: the year-by-year cascade (fees, reserve, cures, swap, senior, guarantees, subordinated, lock-up)",
                   "Follows fundlib.chain step by step: the bonds pay SOFR + spread, HedgeShare of the plan at close is swapped "
                   "to fixed, the guarantors earn their fee and pay what cash and reserve cannot, the debt-service reserve is "
                   "kept at its floor while senior debt is owed, and cash is trapped while the DSCR is low.")
    s.heading("Rates and the swap")
    s.row("sofr_t", "SOFR (with any shock)", "decimal", "SOFR+SofrShock_bp*BP")
    s.row("coupon", "Bond coupon: SOFR + spread", "decimal", "{sofr_t}+SeniorSpread_bp*BP")
    s.row("rate_s", "Senior all-in: coupon + guarantee fee (the guarantors' claim rate)", "decimal", "{coupon}+GFee",
          style="result")
    s.row("rate_j", "Subordinated rate: SOFR + spread", "decimal", "{sofr_t}+SubMargin")
    s.row("swap_n", "Swap notional: HedgeShare of the senior plan-at-close balance at the start of the year", "usd_bn",
          "IF({t}>=1,HedgeShare*(1-SubShare)*INDEX({close_bal@row},{t}),0)", total="")     # a sum of notionals means nothing
    s.row("swap_df", "USD discount factor at the year's end (Curves)", "factor", "IF({t}=0,1,INDEX({usd_df@row},{t}))",
          opening="1")
    s.row("swap_fl", "Floating leg's PV: notional × (discount factor a year before − this one)", "usd_bn",
          "IF({t}>=1,{swap_n}*({swap_df@prev}-{swap_df}),0)", total="")
    s.row("swap_fx", "Fixed leg's PV per unit of rate: notional × discount factor", "usd_bn", "{swap_n}*{swap_df}", total="")
    s.scalar("swap_k", "Swap fixed rate K: PV of the floating leg ÷ PV of one unit of fixed", "decimal",
             "IF(SUM({swap_fx@row})>0,SUM({swap_fl@row})/SUM({swap_fx@row}),0)", style="result")
    s.heading("Reserve and shortfalls before debt service")
    s.row("res0", "Reserve at the start, with the debt-service reserve funded at close", "usd_bn",
          "{reserve@prev}+{reserve_funded}", total="")
    s.row("floor0", "Reserve floor: the debt-service reserve, while senior debt is owed or drawn", "usd_bn",
          "IF(OR({bal_s@prev}>OwedTolerance,{draws}>0),{dsra},0)", total="")
    s.row("int_s", "Bond coupon on the opening balance", "usd_bn", "{bal_s@prev}*{coupon}")
    s.row("fee_due", "Guarantee fee on the opening senior balance", "usd_bn", "IF({t}>=1,{bal_s@prev}*GFee,0)")
    s.row("swap_net", "Swap settlement: notional × (K − SOFR); > 0 the fund pays", "usd_bn",
          "IF({t}>=1,{swap_n}*({swap_k}-{sofr_t}),0)")
    s.row("swap_get", "… received by the fund", "usd_bn", "MAX(-{swap_net},0)", style="result")
    s.row("swap_pay", "… paid by the fund", "usd_bn", "MAX({swap_net},0)")
    s.row("cash1", "Cash after the fee, with the swap's receipt", "usd_bn", "{cash0}+{swap_get}", total="")
    s.row("from_res", "Reserve above its floor released to cover a shortfall", "usd_bn",
          "MIN(MAX(-{cash1},0),MAX({res0}-{floor0},0))")
    s.row("cure", "Equity cure: the owners pay what is still short", "usd_bn", "MAX(-({cash1}+{from_res}),0)", style="result")
    s.row("cash2", "Cash for debt service", "usd_bn", "{cash1}+{from_res}+{cure}", total="")
    s.row("res1", "Reserve after that", "usd_bn", "{res0}-{from_res}", total="")
    s.heading("Debt service due")
    s.row("int_j", "Subordinated interest on the opening balance", "usd_bn", "{bal_j@prev}*{rate_j}")
    s.row("plan_int_t", "Planned interest (plan balance × cost of debt)", "usd_bn", "{plan_bal@prev}*DebtRate")
    s.row("frac", "Share of interest paid in a year the plan capitalizes interest", "factor",
          "IF({plan_int_t}>0,MIN(MAX({plan_ds}/{plan_int_t},0),1),1)")
    s.row("prin", "Planned principal (positive part)", "usd_bn", "MAX({plan_prin},0)")
    s.row("pay_frac", "Share of interest due (1 once principal is repaid, and at exit)", "factor",
          "IF({final}=1,1,IF({plan_prin}>0,1,{frac}))")
    s.row("cap", "Capitalized: the unpaid share of the hedged interest (coupon + swap + fee)", "usd_bn",
          "IF({t}>=1,MAX((1-{pay_frac})*({int_s}+{swap_net}+{fee_due}),0),0)")
    s.row("prin_s", "Senior principal due (the whole balance at exit)", "usd_bn",
          "IF({final}=1,{bal_s@prev},MIN((1-SubShare)*{prin},{bal_s@prev}))")
    s.row("prin_j", "Subordinated principal due (the whole balance at exit)", "usd_bn",
          "IF({final}=1,{bal_j@prev},MIN(SubShare*{prin},{bal_j@prev}))")
    s.row("bonds_due", "Due to the bondholders: coupon − capitalized + principal (< 0: they lend the difference)",
          "usd_bn", "IF({t}>=1,{int_s}-{cap}+{prin_s},0)")
    s.row("idc", "Debt drawn for interest during construction (the swap and the fee while capitalizing)", "usd_bn",
          "MAX(-{bonds_due},0)", style="result")
    s.row("due_j", "Subordinated debt service due", "usd_bn", "IF({t}>=1,{pay_frac}*{int_j}+{prin_j},0)")
    s.row("due_all", "Debt service due: bonds + swap + fee + subordinated (exit repayment included)", "usd_bn",
          "{bonds_due}+{swap_net}+{fee_due}+{due_j}", style="result")
    s.row("sched", "Scheduled debt service for the covenant (exit repayment excluded)", "usd_bn",
          "IF({t}>=1,{int_s}-{cap}+{swap_net}+{fee_due}+{pay_frac}*{int_j}+MIN({prin},{bal_s@prev}+{bal_j@prev}),0)")
    s.row("dscr", "DSCR: CFADS ÷ scheduled debt service (blank where none is due)", "x",
          'IF({sched}>Tiny,{cfads}/{sched},"")', style="result")
    s.heading("Senior debt, the swap and the guarantees")
    s.row("due_s", "Hedged senior service due: bonds + swap payment", "usd_bn", "MAX({bonds_due},0)+{swap_pay}")
    s.row("bond_share", "Bondholders' share of it", "factor", "IF({due_s}>0,MAX({bonds_due},0)/{due_s},1)")
    s.row("cash2b", "Cash with the construction draw", "usd_bn", "{cash2}+{idc}", total="")
    s.row("paid_s", "Hedged senior service paid from cash", "usd_bn", "MIN({cash2b},{due_s})")
    s.row("res_s", "… from the reserve", "usd_bn", "MIN({res1},{due_s}-{paid_s})")
    s.row("service_s", "Paid to the bondholders by the fund", "usd_bn", "{bond_share}*({paid_s}+{res_s})", style="result")
    s.row("swap_paid", "Paid to the swap counterparty by the fund", "usd_bn", "(1-{bond_share})*({paid_s}+{res_s})",
          style="result")
    s.row("call", "Guarantee call: what cash and reserve could not pay", "usd_bn", "{due_s}-{paid_s}-{res_s}", style="result")
    s.row("call_bonds", "… to the bondholders", "usd_bn", "{bond_share}*{call}")
    s.row("call_swap", "… to the swap counterparty", "usd_bn", "(1-{bond_share})*{call}")
    s.row("call_exim", "… paid by Ex-Im Bank", "usd_bn", "EximShare*{call}")
    s.row("call_jbic", "… paid by JBIC", "usd_bn", "(1-EximShare)*{call}")
    s.row("cash3", "Cash after senior service", "usd_bn", "{cash2b}-{paid_s}", total="")
    s.row("res2", "Reserve after senior service", "usd_bn", "{res1}-{res_s}", total="")
    s.row("fee_cash", "Guarantee fee paid from cash", "usd_bn", "MIN({cash3},{fee_due})")
    s.row("fee_res", "… from the reserve", "usd_bn", "MIN({res2},{fee_due}-{fee_cash})")
    s.row("fee_paid", "Guarantee fee paid", "usd_bn", "{fee_cash}+{fee_res}", style="result")
    s.row("fee_exim", "… to Ex-Im Bank", "usd_bn", "EximShare*{fee_paid}")
    s.row("fee_jbic", "… to JBIC", "usd_bn", "(1-EximShare)*{fee_paid}")
    s.row("owed1", "Owed to the guarantors: with interest at the senior all-in rate, calls and unpaid fee", "usd_bn",
          "{owed@prev}*(1+IF({t}>=1,{rate_s},0))+{call}+{fee_due}-{fee_paid}", total="")
    s.row("cash3b", "Cash after the fee", "usd_bn", "{cash3}-{fee_cash}", total="")
    s.row("res2b", "Reserve after the fee", "usd_bn", "{res2}-{fee_res}", total="")
    s.row("back1", "Guarantors repaid from cash", "usd_bn", "MIN({cash3b},{owed1})")
    s.row("back_res", "Guarantors repaid from the reserve", "usd_bn", "MIN({res2b},{owed1}-{back1})")
    s.row("back", "Guarantors repaid", "usd_bn", "{back1}+{back_res}", style="result")
    s.row("back_exim", "… to Ex-Im Bank", "usd_bn", "EximShare*{back}")
    s.row("back_jbic", "… to JBIC", "usd_bn", "(1-EximShare)*{back}")
    s.row("owed", "Still owed to the guarantors (end of year)", "usd_bn", "{owed1}-{back}", total="")
    s.row("cash4", "Cash after the guarantors", "usd_bn", "{cash3b}-{back1}", total="")
    s.row("res3", "Reserve after the guarantors", "usd_bn", "{res2b}-{back_res}", total="")
    s.heading("Subordinated debt")
    s.row("sub_mid", "Subordinated balance with this year's interest and draws", "usd_bn",
          "{bal_j@prev}+{int_j}+SubShare*{draws}", total="")
    s.row("due_j_all", "Subordinated due with arrears (at most the balance)", "usd_bn", "MIN({due_j}+{arrears@prev},{sub_mid})")
    s.row("paid_j1", "Paid from cash", "usd_bn", "MIN({cash4},{due_j_all})")
    s.row("res_j", "… from the reserve above its floor at the year's end", "usd_bn",
          "MIN(MAX({res3}-{floor1},0),{due_j_all}-{paid_j1})")
    s.row("service_j", "Subordinated debt service paid", "usd_bn", "{paid_j1}+{res_j}", style="result")
    s.row("arrears", "Subordinated service deferred, unpaid (end of year)", "usd_bn", "{due_j_all}-{service_j}",
          total="", style="result")
    s.row("cash5", "Cash after the subordinated lenders", "usd_bn", "{cash4}-{paid_j1}", total="")
    s.row("res4", "Reserve after them", "usd_bn", "{res3}-{res_j}", total="")
    s.heading("Balances")
    s.row("bal_s", "Senior balance (end of year)", "usd_bn", "{bal_s@prev}+{cap}-{prin_s}+(1-SubShare)*{draws}",
          total="", style="result")
    s.row("bal_j", "Subordinated balance (end of year)", "usd_bn", "{sub_mid}-{service_j}", total="", style="result")
    s.row("exposure", "Guarantee exposure: senior balance + owed to the guarantors", "usd_bn", "{bal_s}+{owed}",
          total="", style="result")
    s.heading("Lock-up, the reserve's floor and what is distributable")
    s.row("trap_raw", "Lock-up test fails: DSCR below the test, or guarantors / subordinated lenders owed (1 = yes)", "flag",
          "IF(OR(IF(AND({due_all}>Tiny,ISNUMBER({dscr})),{dscr}<LockupDSCR,FALSE),"
          "{call}>Tiny,{owed}>Tiny,{arrears}>Tiny),1,0)")
    s.row("trap", "Cash trapped this year (1 = yes; never in the final year)", "flag", "IF({final}=1,0,{trap_raw})")
    s.row("floor1", "Reserve floor at the year's end: the debt-service reserve while senior debt is owed (0 at exit)",
          "usd_bn", "IF({final}=1,0,IF({bal_s}>OwedTolerance,{dsra},0))", total="")
    s.row("release", "Reserve released above its floor (all of it at exit; nothing while trapped)", "usd_bn",
          "IF({trap}=1,0,MAX({res4}-{floor1},0))")
    s.row("fill", "Cash to the reserve: all of it while trapped, else up to the floor", "usd_bn",
          "IF({trap}=1,{cash5},MIN({cash5},MAX({floor1}-{res4},0)))", style="result")
    s.row("reserve", "Reserve (end of year)", "usd_bn", "{res4}-{release}+{fill}", total="", style="result")
    s.row("distributable", "Distributable through the waterfall", "usd_bn", "{cash5}-{fill}+{release}", style="result")
    s.row("res_released", "Reserve released, all uses", "usd_bn",
          "{from_res}+{res_s}+{fee_res}+{back_res}+{res_j}+{release}")
    s.heading("Check: the fund's account closes at zero every year")
    s.row("account", "Money in − money out of the fund (0)", "usd_bn",
          "({calls}+{cure}+{draws}+{idc}+{from_projects}+{exit}+{swap_get}+{res_released})-({purchases}+{reserve_funded}"
          "+{to_projects}+{fee}+{service_s}+{swap_paid}+{fee_paid}+{back}+{service_j}+{fill}+{distributable})",
          style="check")
