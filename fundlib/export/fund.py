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
                   "Each call buys assets of call × leverage, the rest borrowed; the assets earn the Profile's scaled CFADS "
                   "by age, and at the end the assets still held are sold at their value at the asset return.")
    s.heading("Capital and purchases")
    s.scalar("call_per_year", "Capital called in each call year: equity ÷ call years", "usd_bn", "Equity/DeployYears")
    s.scalar("purchase_per_call", "Assets bought with each call: call × leverage", "usd_bn", "{call_per_year}*Leverage")
    s.row("calls", "Capital calls (all owners)", "usd_bn", "IF({call_year}=1,{call_per_year},0)")
    s.row("purchases", "Assets bought", "usd_bn", "{calls}*Leverage")
    s.row("draws", "Debt drawn: purchases − calls", "usd_bn", "{purchases}-{calls}")
    s.row("draws_s", "of which senior (guaranteed)", "usd_bn", "(1-SubShare)*{draws}")
    s.row("draws_j", "of which subordinated", "usd_bn", "SubShare*{draws}")
    s.row("calls_cum", "Capital paid in so far (end of year)", "usd_bn", "{calls_cum@prev}+{calls}", total="")
    s.heading("The assets' cash")
    rng = "INDEX({%s@row},MAX({t}-DeployYears+1,0)+1):INDEX({%s@row},{t}+1)"
    s.row("cfads", "CFADS: each call's purchase × the scaled profile at its age, summed over the calls so far", "usd_bn",
          "{purchase_per_call}*SUM(" + rng % (cf_key, cf_key) + ")", style="result")
    s.row("exit", "Exit sale: the assets still held at their value (never below zero)", "usd_bn",
          "IF({final}=1,MAX({purchase_per_call}*SUM(" + rng % ("held_value", "held_value") + "),0),0)", style="result")
    s.row("from_projects", "Cash from the projects (positive CFADS)", "usd_bn", "MAX({cfads},0)")
    s.row("to_projects", "Project shortfall paid by the fund (negative CFADS)", "usd_bn", "MAX(-{cfads},0)")
    s.row("fee", "Management fee (on committed equity, or on capital paid in before the year)", "usd_bn",
          "IF({t}>=1,MgmtFee*IF(FeeOnCommitted=1,Equity,{calls_cum@prev}),0)", style="result")
    s.row("cash0", "Cash after the fee: CFADS + exit − fee", "usd_bn", "{cfads}+{exit}-{fee}")


def plan_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Plan", spec.P, "Plan: the principal plan fixed at financial close (debt service sculpted to the base CFADS)",
                   "Debt service is proportional to the base (unshocked) CFADS over the tenor, so that at the cost of debt it "
                   "repays what was drawn; interest is capitalized while the CFADS is too small. Columns run past the fund's life.")
    s.row("pt", "Year index", "year", values=list(range(spec.P)))
    rng = "INDEX({prof_base_scaled@row},MAX({pt}-DeployYears+1,0)+1):INDEX({prof_base_scaled@row},{pt}+1)"
    s.row("plan_cf", "Base CFADS of the assets bought", "usd_bn", "{purchase_per_call}*SUM(" + rng + ")", total="")
    s.row("plan_draws", "Debt drawn", "usd_bn", "IF({pt}<DeployYears,{purchase_per_call}-{call_per_year},0)")
    s.row("plan_w", "Weight: base CFADS in the tenor's years 1..DebtTenor (never negative)", "usd_bn",
          "IF(AND({pt}>=1,{pt}<=DebtTenor),MAX({plan_cf},0),0)", total="")
    s.row("plan_df", "Discount factor at the cost of debt", "factor", "(1+DebtRate)^(-{pt})")
    s.scalar("kappa", "Sculpting factor: PV of the draws ÷ PV of the weights", "factor",
             "IF(SUMPRODUCT({plan_w@row},{plan_df@row})>0,SUMPRODUCT({plan_draws@row},{plan_df@row})"
             "/SUMPRODUCT({plan_w@row},{plan_df@row}),0)")
    s.row("plan_ds", "Planned debt service", "usd_bn", "{kappa}*{plan_w}")
    s.row("plan_int", "Planned interest", "usd_bn", "{plan_bal@prev}*DebtRate")
    s.row("plan_prin", "Planned principal (negative: interest capitalized)", "usd_bn",
          "IF({pt}>=1,MIN({plan_ds}-{plan_int},{plan_bal@prev}),0)")
    s.row("plan_raw", "Planned balance before the rounding rule", "usd_bn",
          "{plan_bal@prev}+{plan_int}+{plan_draws}-IF({pt}>=1,{plan_ds},0)", total="")
    s.row("plan_bal", "Planned balance (end of year)", "usd_bn",
          "IF(ABS({plan_raw})<PlanTolerance*MAX(1,SUM({plan_draws@row})),0,{plan_raw})", total="")


def debt_sheet(book: Book, spec: ExportSpec) -> None:
    s = book.sheet("Debt", spec.T, "Debt: the year-by-year cascade (fees, reserve, cures, senior, guarantees, subordinated, lock-up)",
                   "Follows fundlib.chain step by step: senior debt floats at SOFR + spread + guarantee fee on the plan's "
                   "principal, the guarantors pay what cash and reserve cannot, and cash is trapped while the DSCR is low.")
    s.heading("Rates")
    s.row("sofr_t", "SOFR (with any shock)", "decimal", "SOFR+SofrShock_bp*BP")
    s.row("rate_s", "Senior rate: SOFR + spread + guarantee fee", "decimal", "{sofr_t}+SeniorMargin", style="result")
    s.row("rate_j", "Subordinated rate: SOFR + spread", "decimal", "{sofr_t}+SubMargin")
    s.heading("Shortfalls before debt service")
    s.row("from_res", "Reserve released to cover a shortfall", "usd_bn", "MIN(MAX(-{cash0},0),{reserve@prev})")
    s.row("cure", "Equity cure: the owners pay what is still short", "usd_bn", "MAX(-({cash0}+{from_res}),0)", style="result")
    s.row("cash2", "Cash for debt service", "usd_bn", "{cash0}+{from_res}+{cure}", total="")
    s.row("res1", "Reserve after that", "usd_bn", "{reserve@prev}-{from_res}", total="")
    s.heading("Debt service due")
    s.row("int_s", "Senior interest on the opening balance", "usd_bn", "{bal_s@prev}*{rate_s}")
    s.row("int_j", "Subordinated interest on the opening balance", "usd_bn", "{bal_j@prev}*{rate_j}")
    s.row("plan_int_t", "Planned interest (plan balance × cost of debt)", "usd_bn", "{plan_bal@prev}*DebtRate")
    s.row("frac", "Share of interest paid in a year the plan capitalizes interest", "factor",
          "IF({plan_int_t}>0,MIN(MAX({plan_ds}/{plan_int_t},0),1),1)")
    s.row("prin", "Planned principal (positive part)", "usd_bn", "MAX({plan_prin},0)")
    s.row("pay_frac", "Share of interest due (1 once principal is repaid, and at exit)", "factor",
          "IF({final}=1,1,IF({plan_prin}>0,1,{frac}))")
    s.row("prin_s", "Senior principal due (the whole balance at exit)", "usd_bn",
          "IF({final}=1,{bal_s@prev},MIN((1-SubShare)*{prin},{bal_s@prev}))")
    s.row("prin_j", "Subordinated principal due (the whole balance at exit)", "usd_bn",
          "IF({final}=1,{bal_j@prev},MIN(SubShare*{prin},{bal_j@prev}))")
    s.row("due_s", "Senior debt service due", "usd_bn", "{pay_frac}*{int_s}+{prin_s}")
    s.row("due_j", "Subordinated debt service due", "usd_bn", "{pay_frac}*{int_j}+{prin_j}")
    s.row("due_all", "Debt service due, both tranches (exit repayment included)", "usd_bn", "{due_s}+{due_j}", style="result")
    s.row("sched", "Scheduled debt service for the covenant (exit repayment excluded)", "usd_bn",
          "{pay_frac}*({int_s}+{int_j})+MIN({prin},{bal_s@prev}+{bal_j@prev})")
    s.row("dscr", "DSCR: CFADS ÷ scheduled debt service (blank where none is due)", "x",
          'IF({sched}>Tiny,{cfads}/{sched},"")', style="result")
    s.heading("Senior debt and the guarantees")
    s.row("paid_s", "Senior service paid from cash", "usd_bn", "MIN({cash2},{due_s})")
    s.row("res_s", "… from the reserve", "usd_bn", "MIN({res1},{due_s}-{paid_s})")
    s.row("service_s", "Senior debt service paid by the fund", "usd_bn", "{paid_s}+{res_s}", style="result")
    s.row("call", "Guarantee call: what cash and reserve could not pay", "usd_bn", "{due_s}-{paid_s}-{res_s}", style="result")
    s.row("call_exim", "… paid by Ex-Im Bank", "usd_bn", "EximShare*{call}")
    s.row("call_jbic", "… paid by JBIC", "usd_bn", "(1-EximShare)*{call}")
    s.row("owed1", "Owed to the guarantors, with interest at the senior rate", "usd_bn",
          "{owed@prev}*(1+IF({t}>=1,{rate_s},0))+{call}", total="")
    s.row("cash3", "Cash after senior service", "usd_bn", "{cash2}-{paid_s}", total="")
    s.row("back1", "Guarantors repaid from cash", "usd_bn", "MIN({cash3},{owed1})")
    s.row("back_res", "Guarantors repaid from the reserve", "usd_bn", "MIN({res1}-{res_s},{owed1}-{back1})")
    s.row("back", "Guarantors repaid", "usd_bn", "{back1}+{back_res}", style="result")
    s.row("back_exim", "… to Ex-Im Bank", "usd_bn", "EximShare*{back}")
    s.row("back_jbic", "… to JBIC", "usd_bn", "(1-EximShare)*{back}")
    s.row("owed", "Still owed to the guarantors (end of year)", "usd_bn", "{owed1}-{back}", total="")
    s.row("cash4", "Cash after the guarantors", "usd_bn", "{cash3}-{back1}", total="")
    s.row("res3", "Reserve after the guarantors", "usd_bn", "{res1}-{res_s}-{back_res}", total="")
    s.heading("Subordinated debt")
    s.row("sub_mid", "Subordinated balance with this year's interest and draws", "usd_bn",
          "{bal_j@prev}+{int_j}+SubShare*{draws}", total="")
    s.row("due_j_all", "Subordinated due with arrears (at most the balance)", "usd_bn", "MIN({due_j}+{arrears@prev},{sub_mid})")
    s.row("paid_j1", "Paid from cash", "usd_bn", "MIN({cash4},{due_j_all})")
    s.row("res_j", "… from the reserve", "usd_bn", "MIN({res3},{due_j_all}-{paid_j1})")
    s.row("service_j", "Subordinated debt service paid", "usd_bn", "{paid_j1}+{res_j}", style="result")
    s.row("arrears", "Subordinated service deferred, unpaid (end of year)", "usd_bn", "{due_j_all}-{service_j}",
          total="", style="result")
    s.row("cash5", "Cash after the subordinated lenders", "usd_bn", "{cash4}-{paid_j1}", total="")
    s.row("res4", "Reserve after them", "usd_bn", "{res3}-{res_j}", total="")
    s.heading("Lock-up and what is distributable")
    s.row("trap_raw", "Lock-up test fails: DSCR below the test, or guarantors / subordinated lenders owed (1 = yes)", "flag",
          "IF(OR(IF(AND({due_all}>Tiny,ISNUMBER({dscr})),{dscr}<LockupDSCR,FALSE),"
          "{call}>Tiny,{owed}>Tiny,{arrears}>Tiny),1,0)")
    s.row("release", "Reserve released to the owners (the test passes, or the fund ends)", "usd_bn",
          "IF(OR({final}=1,{trap_raw}=0),{res4},0)")
    s.row("trap", "Cash trapped this year (1 = yes; never in the final year)", "flag", "IF({final}=1,0,{trap_raw})")
    s.row("cash6", "Cash after the release", "usd_bn", "{cash5}+{release}", total="")
    s.row("to_res", "Cash trapped in the reserve", "usd_bn", "IF({trap}=1,{cash6},0)", style="result")
    s.row("reserve", "Reserve (end of year)", "usd_bn", "{res4}-{release}+{to_res}", total="", style="result")
    s.row("distributable", "Distributable through the waterfall", "usd_bn", "IF({trap}=1,0,{cash6})", style="result")
    s.heading("Balances")
    s.row("bal_s", "Senior balance (end of year)", "usd_bn", "{bal_s@prev}+{int_s}-{due_s}+(1-SubShare)*{draws}",
          total="", style="result")
    s.row("bal_j", "Subordinated balance (end of year)", "usd_bn", "{sub_mid}-{service_j}", total="", style="result")
    s.row("exposure", "Guarantee exposure: senior balance + owed to the guarantors", "usd_bn", "{bal_s}+{owed}",
          total="", style="result")
    s.row("res_released", "Reserve released, all uses", "usd_bn", "{from_res}+{res_s}+{back_res}+{res_j}+{release}")
    s.heading("Check: the fund's account closes at zero every year")
    s.row("account", "Money in − money out of the fund (0)", "usd_bn",
          "({calls}+{cure}+{draws}+{from_projects}+{exit}+{res_released})-({purchases}+{to_projects}+{fee}"
          "+{service_s}+{back}+{service_j}+{to_res}+{distributable})", style="check")
