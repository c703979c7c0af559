# Statement lines: how each ruble was computed. Money and numbers arrive formatted.
pay-expr = { $expr }
pay-metric = { $metric }
pay-base-prorated = { $amount } × { $worked } / { $total } рабочих дней
pay-per-unit = { $expr } ₽ ({ $metric })
pay-of-metric = { $expr } ({ $metric })
pay-table = { $target } × K({ $metric } = { $value }) = { $target } × { $k }
pay-kpi = { $target } × ({ $parts }) = { $target } × { $index }
pay-bonus-client = «{ $company }»: { $collected } из { $min } до { $by }
pay-bonus-pending = { $n } × { $amount } ждут условия (не в итоге, пока оплаты за окно не достигнут { $min }): { $clients } (на сумму { $worth })
pay-bonus-lapsed = { $n } × { $amount } не выплачиваются (окно охотника закрылось ниже { $min }): { $clients } (на сумму { $worth })
pay-formula = { $expr }, где { $values }
pay-formula-failed = 0: формула не вычислилась ({ $error })
pay-multiplied = ({ $formula }) × { $k } [{ $label }: { $metric } = { $value }]
pay-gate-unmet = 0: условие «{ $label }» не выполнено, { $metric } = { $value } < { $min } ({ $formula } не выплачивается)
pay-no-target = 0: не задана цель — { $metrics } ({ $formula } не выплачивается)
pay-capped = { $formula } = { $value }, но не больше { $cap }
pay-floored = { $formula } = { $value }, поднято до минимума { $floor }
pay-carried-in = { $formula } = { $value }; минус { $carried }, перенесённые из прошлых периодов
pay-carried-out = { $formula } = { $value }: в этом периоде ничего, { $carried } переносится дальше
pay-total-limit = { $sum } → { $bound }
pay-total-cap = Потолок итога
pay-total-floor = Минимум итога
pay-warn-no-target = не задана цель — { $metric }; строка, которой она нужна, платит 0
pay-warn-no-value = нет значения — { $metric }; считается как 0
pay-warn-formula-failed = формула компонента «{ $component }» не вычислилась: { $error }; строка платит 0
pay-more = ещё { $amount } — { $metric }
pay-next-threshold = «{ $label }»: { $needed } (от { $from } до { $to }) добавит к итогу { $worth }
pay-next-bonus = «{ $label }»: ещё { $amount } от «{ $company }» до { $by } добавит { $worth }
pay-adjustment = { $now } сейчас − { $was } утверждено = { $delta }
pay-adjustment-prior = { $now } сейчас − { $was } утверждено − { $prior } перерасчитано ранее = { $delta }
pay-adjustment-kept = { $formula }: не удерживается, план не разрешает удержания из уже утверждённой оплаты (ТК РФ, ст. 137)
pay-adjustment-title = Корректировка за { $period }: { $label }
