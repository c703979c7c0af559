# Statement lines: how each ruble was computed. Money and numbers arrive formatted.
pay-expr = { $expr }
pay-metric = { $metric }
pay-base-prorated = { $amount } × { $worked } / { $total } working days
pay-per-unit = { $expr } ₽ ({ $metric })
pay-of-metric = { $expr } ({ $metric })
pay-table = { $target } × K({ $metric } = { $value }) = { $target } × { $k }
pay-kpi = { $target } × ({ $parts }) = { $target } × { $index }
pay-bonus-client = «{ $company }»: { $collected } of { $min } by { $by }
pay-bonus-pending = { $n } × { $amount } pending (not in the total until the window collections reach { $min }): { $clients } (worth { $worth })
pay-bonus-lapsed = { $n } × { $amount } lapsed (the hunter window closed below { $min }): { $clients } (worth { $worth })
pay-formula = { $expr } with { $values }
pay-formula-failed = 0: formula failed ({ $error })
pay-multiplied = ({ $formula }) × { $k } [{ $label }: { $metric } = { $value }]
pay-gate-unmet = 0: { $label } not met, { $metric } = { $value } < { $min } ({ $formula } not paid)
pay-no-target = 0: no target for { $metrics } ({ $formula } not paid)
pay-capped = { $formula } = { $value }, capped at { $cap }
pay-floored = { $formula } = { $value }, raised to the floor { $floor }
pay-carried-in = { $formula } = { $value }; minus { $carried } carried from earlier periods
pay-carried-out = { $formula } = { $value }: nothing this period, { $carried } carried forward
pay-total-limit = { $sum } → { $bound }
pay-total-cap = Cap on the total
pay-total-floor = Floor on the total
pay-warn-no-target = no target for { $metric }: the line that needs it pays 0
pay-warn-no-value = no value for { $metric }: counted as 0
pay-warn-formula-failed = formula of «{ $component }» failed: { $error }; the line pays 0
pay-more = { $amount } more { $metric }
pay-next-threshold = «{ $label }»: { $needed } (from { $from } to { $to }) adds { $worth } to the total
pay-next-bonus = «{ $label }»: { $amount } more from «{ $company }» by { $by } adds { $worth }
pay-adjustment = { $now } now − { $was } approved = { $delta }
pay-adjustment-prior = { $now } now − { $was } approved − { $prior } adjusted before = { $delta }
pay-adjustment-kept = { $formula }: not deducted, the plan does not allow deductions from pay already approved (Labour Code art. 137)
pay-adjustment-title = Adjustment for { $period }: { $label }
