# Values of Baton's lists, as a person reads them. Id: {list}-{code}.

## Call outcomes
outcome-dm_interested = ЛПР заинтересован
outcome-dm_callback = ЛПР: перезвонить
outcome-dm_not_interested = ЛПР не заинтересован
outcome-no_answer = Не дозвонился
outcome-connected = Разговор (телефония)
outcome-gatekeeper = Секретарь не соединил
outcome-wrong_contact = Неверный контакт

## Lead stages
stage-working = Квалификация
stage-handed = Передан, ждёт решения
stage-accepted = Принят
stage-meeting = Встреча
stage-proposal = Предложение
stage-contract = Договор подписан
stage-won = Клиент выигран
stage-lost = Проиграна

## Lead sources
source-cold_call = холодный звонок
source-inbound = входящее обращение
source-referral = рекомендация
source-campaign = акция
source-purchased_base = купленная база
source-website = сайт
source-exhibition = выставка

## Industries
industry-retail = розница
industry-real_estate = недвижимость
industry-auto = автомобили
industry-medicine = медицина
industry-horeca = HoReCa
industry-services = услуги
industry-manufacturing = производство
industry-it = ИТ
industry-logistics = логистика
industry-construction = строительство
industry-wholesale = опт

## Rejection reasons
reason-no_decision_maker = нет ЛПР
reason-no_need = нет потребности
reason-no_budget = нет бюджета
reason-wrong_timing = не время
reason-bad_contact = неверный контакт
reason-duplicate = дубль
reason-other = другое

## Roles
role-caller = Менеджер по звонкам
role-sales_manager = Менеджер по продажам (МПП)
role-client_manager = Клиентский менеджер (КМ)
role-universal_manager = Универсальный менеджер
role-head = Руководитель отдела
role-director = Коммерческий директор
role-accountant = Бухгалтер
role-admin = Администратор

## Handoff statuses
handoff-pending = ждёт решения
handoff-accepted = принят
handoff-rejected = отклонён
handoff-done = встреча-знакомство проведена
handoff-reassigned = передан другому

## Assignment rules
rule-round_robin = по очереди
rule-least_loaded = наименее загруженному
rule-least_loaded_portfolio = наименее загруженному КМ (по портфелю)
rule-manual = вручную

## Company statuses
company-prospect = потенциальный
company-client = клиент
company-merged = объединён

## Kinds of a win
win-new_client = новый клиент
win-reactivation = возврат клиента

## Statement line statuses
line-accrued = начислено
line-pending = ожидает оплаты клиента
line-lapsed = сгорело
line-no_target = нет цели
line-adjustment = перерасчёт

## Payroll period statuses
period-open = открыт, считается на лету
period-calculated = рассчитан, на проверке
period-approved = утверждён
period-paid = выплачен

## Plan component kinds
component-base = оклад
component-per_unit = за единицу
component-percent = процент
component-table = таблица
component-kpi_index = индекс KPI
component-multiplier = множитель
component-gate = условие
component-bonus = бонус
component-formula = формула
component-total = итог
component-adjustment = перерасчёт

## Metrics
metric-calls = звонки
metric-dm_conversations = разговоры с ЛПР
metric-leads_handed = переданные лиды
metric-leads_accepted = принятые лиды
metric-leads_rejected = отклонённые лиды
metric-acceptance_rate = доля принятых лидов
metric-leads_converted = лиды, ставшие клиентами
metric-new_clients = новые клиенты
metric-qualified_new_clients = новые клиенты с оплатой от порога
metric-new_client_collections = оплаты новых клиентов
metric-portfolio_collections = оплаты портфеля
metric-lead_conversion = конверсия лидов в клиентов
metric-receivables = дебиторская задолженность
metric-overdue_receivables = просроченная задолженность
metric-overdue_share = доля просрочки
metric-overdue_collected = собранная просрочка
metric-own_collections = оплаты своих клиентов
metric-reactivations = возвращённые клиенты
metric-reactivation_collections = оплаты возвращённых клиентов

## Alert rules
alert-no_new_client = МПП без новых клиентов
alert-lead_past_sla = Лиды просрочены по SLA
alert-stale_deal = Сделки без движения
alert-overdue_invoices = Просроченные счета
alert-client_no_order = Клиенты без заказов
alert-checklist_overridden = Передача в обход чек-листа

## Funnel steps
step-calls = Звонки
step-dm_conversations = Разговоры с ЛПР
step-warm_leads = Тёплые лиды
step-accepted = Принято МПП
step-meetings = Встречи
step-first_contracts = Первые договоры
step-first_payments = Первые оплаты
step-second_orders = Повторные заказы

## Counts
count-people = { $n ->
    [one] { $n } человек
    [few] { $n } человека
   *[many] { $n } человек
}
count-leads = { $n ->
    [one] { $n } лид
    [few] { $n } лида
   *[many] { $n } лидов
}
count-clients = { $n ->
    [one] { $n } клиент
    [few] { $n } клиента
   *[many] { $n } клиентов
}
count-rows = { $n ->
    [one] { $n } строка
    [few] { $n } строки
   *[many] { $n } строк
}
count-days = { $n ->
    [one] { $n } день
    [few] { $n } дня
   *[many] { $n } дней
}
metric-attainment-of = выполнение плана: { $metric }
outcome-warm-lead = тёплый лид

## Kinds of records behind a statement line
record-payments = оплата
record-handoffs = передача лида
record-contracts = договор
record-invoices = счёт
record-companies = компания
record-calls = звонок
record-leads = лид

## Why a receiver was chosen
assign-manual = выбран вручную: { $name }
assign-next = { $name }: следующий по очереди { $scope }
assign-fewest = { $name }: меньше всех открытых лидов ({ $n }) { $scope }
assign-fewest-clients = { $name }: меньше всех клиентов в портфеле ({ $n }) { $scope }
assign-scope-region = в регионе лида
assign-scope-other = в другом регионе (в регионе лида свободных нет)
assign-overridden = { $explanation }; чек-лист обошёл { $by } (не хватало: { $missing }): { $why }
assign-reassigned = передал заново { $by }: { $explanation }
assign-sla-passed = истёк срок принятия ({ $hours } рабочих ч.); { $explanation }
alert-targets_missing = Нет целей для плана
plan-active = действует
plan-draft = черновик
plan-shipped = по умолчанию
metric-param-within_days = за { $v } дн.
metric-param-min = от { $v } ₽

## Units of the structure simulation's parameters
unit-calls-day = звонков в день
unit-clients = клиентов
unit-days = дней
unit-days-month = дней в месяц
unit-deals = сделок
unit-hours-client-month = часов на клиента в месяц
unit-hours-day = часов в день
unit-hours-lead = часов на лид
unit-months = месяцев
unit-share-of-accepted-leads = доля принятых лидов
unit-share-of-calls = доля звонков
unit-share-of-clients-a-month = доля клиентов в месяц
unit-share-of-collections = доля оплат
unit-share-of-handed-leads = доля переданных лидов
unit-share-of-leads = доля лидов
unit-share-of-new-clients = доля новых клиентов
unit-share-of-pay = доля оплаты труда
unit-share-of-working-time = доля рабочего времени
unit-share-of-DM-conversations = доля разговоров с ЛПР
unit-share-of-receivables = доля дебиторки
unit-repeat-rate = × доля повторных заказов
unit-per-new-client-0-from-orders-and-churn = ₽ на нового клиента (0 — из заказов и оттока)
unit-head-month = ₽ на человека в месяц
unit-month = ₽ в месяц
unit-share-of-active-clients-a-month = доля активных клиентов в месяц

## Kinds of activities and absences
activity-call = звонок
activity-meeting = встреча
activity-email = письмо
activity-note = заметка
activity-kickoff = встреча-знакомство с КМ
absence-vacation = отпуск
absence-sick = больничный
absence-sick_leave = больничный
absence-other = другое
outcome-kickoff = встреча-знакомство с КМ проведена

## Alert texts (the watcher's findings): what happened and what to do.
alert-msg-no_new_client-since = { $who }: нет новых клиентов { $months } мес. (последний выигран { $date_ru })
alert-msg-no_new_client-never = { $who }: ни одного нового клиента, в роли { $months } мес. или дольше
alert-act-no_new_client = разберите его воронку и отклонённые лиды; проверьте, сколько лидов он получает
alert-msg-lead_past_sla = { $who }: тёплых лидов с истёкшим сроком принятия — { $n }, самый старый просрочен на { $hours } ч
alert-act-lead_past_sla = примите или отклоните их сейчас либо передайте другому МПП
alert-msg-stale_deal = { $who }: сделок без движения { $days } дн. и дольше — { $n }
alert-act-stale_deal = позвоните клиенту и запишите следующий шаг или закройте сделку как проигранную
alert-msg-overdue_invoices = { $who }: счетов с просрочкой { $bucket } дн. — { $n }
alert-act-overdue_invoices-fresh = напомните клиенту и договоритесь о дате оплаты
alert-act-overdue_invoices-old = позвоните ЛПР клиента; рассмотрите остановку отгрузок до оплаты
alert-msg-client_no_order = { $who }: клиентов без заказа { $months } мес. — { $n }
alert-act-client_no_order = позвоните: что изменилось и что они закажут дальше
alert-msg-checklist_overridden = { $who }: тёплых лидов передано с неполным чек-листом за { $days } дн. — { $n } (пропущено: { $missing })
alert-act-checklist_overridden = попросите оператора дозаполнить ответы и уточните у МПП, был ли лид действительно тёплым
alert-msg-targets_missing = { $who }: нет цели на { $period } ({ $missing }): строки, которым она нужна, начисляют 0
alert-act-targets_missing = задайте цели на { $period } (Люди → цели) или скопируйте цели прошлого месяца и проверьте их
alert-kickoff_overdue = Встреча-знакомство просрочена
alert-msg-kickoff_overdue = { $who }: клиентов без встречи-знакомства после срока — { $n }, самый старый просрочен на { $hours } ч
alert-act-kickoff_overdue = проведите встречу-знакомство сегодня или попросите руководителя передать клиента другому КМ
task-call_back = перезвонить
task-meeting = встреча
task-send_offer = отправить предложение
task-collect_payment = получить оплату
