# Values of Baton's lists, as a person reads them. Id: {list}-{code}.

## Call outcomes
outcome-dm_interested = DM interested
outcome-dm_callback = DM: call back
outcome-dm_not_interested = DM not interested
outcome-no_answer = No answer
outcome-connected = Talked (telephony)
outcome-gatekeeper = Gatekeeper
outcome-wrong_contact = Wrong contact

## Lead stages
stage-working = Qualifying
stage-handed = Handed, awaiting decision
stage-accepted = Accepted
stage-meeting = Meeting
stage-proposal = Proposal
stage-contract = Contract signed
stage-won = Client won
stage-lost = Lost

## Lead sources
source-cold_call = cold call
source-inbound = inbound
source-referral = referral
source-campaign = campaign
source-purchased_base = purchased list
source-website = website
source-exhibition = exhibition

## Industries
industry-retail = retail
industry-real_estate = real estate
industry-auto = automotive
industry-medicine = medicine
industry-horeca = HoReCa
industry-services = services
industry-manufacturing = manufacturing
industry-it = IT
industry-logistics = logistics
industry-construction = construction
industry-wholesale = wholesale

## Rejection reasons
reason-no_decision_maker = no decision maker
reason-no_need = no need
reason-no_budget = no budget
reason-wrong_timing = wrong timing
reason-bad_contact = bad contact
reason-duplicate = duplicate
reason-other = other

## Roles
role-caller = Caller
role-sales_manager = Sales manager
role-client_manager = Client manager
role-universal_manager = Universal manager
role-head = Head of sales
role-director = Sales director
role-accountant = Accountant
role-admin = Administrator

## Handoff statuses
handoff-pending = pending
handoff-accepted = accepted
handoff-rejected = rejected
handoff-done = kickoff held
handoff-reassigned = reassigned

## Assignment rules
rule-round_robin = round robin
rule-least_loaded = least loaded
rule-least_loaded_portfolio = least loaded client manager (by portfolio)
rule-manual = by hand

## Company statuses
company-prospect = prospect
company-client = client
company-merged = merged

## Kinds of a win
win-new_client = new client
win-reactivation = reactivation

## Statement line statuses
line-accrued = accrued
line-pending = pending collection
line-lapsed = lapsed
line-no_target = no target
line-adjustment = adjustment

## Payroll period statuses
period-open = open, computed live
period-calculated = calculated, in review
period-approved = approved
period-paid = paid

## Plan component kinds
component-base = base salary
component-per_unit = per unit
component-percent = percentage
component-table = table
component-kpi_index = KPI index
component-multiplier = multiplier
component-gate = gate
component-bonus = bonus
component-formula = formula
component-total = total
component-adjustment = adjustment

## Metrics
metric-calls = calls
metric-dm_conversations = DM conversations
metric-leads_handed = leads handed
metric-leads_accepted = leads accepted
metric-leads_rejected = leads rejected
metric-acceptance_rate = acceptance rate
metric-leads_converted = leads converted
metric-new_clients = new clients
metric-qualified_new_clients = qualified new clients
metric-new_client_collections = new clients' payments
metric-portfolio_collections = portfolio payments
metric-lead_conversion = lead conversion
metric-receivables = receivables
metric-overdue_receivables = overdue receivables
metric-overdue_share = overdue share
metric-overdue_collected = overdue collected
metric-own_collections = own clients' payments
metric-reactivations = reactivations
metric-reactivation_collections = reactivated clients' payments

## Alert rules
alert-no_new_client = Sales manager without new clients
alert-lead_past_sla = Leads past the SLA
alert-stale_deal = Stale deals
alert-overdue_invoices = Overdue invoices
alert-client_no_order = Clients without orders
alert-checklist_overridden = Checklist overridden

## Funnel steps
step-calls = Calls
step-dm_conversations = DM conversations
step-warm_leads = Warm leads
step-accepted = Accepted
step-meetings = Meetings
step-first_contracts = First contracts
step-first_payments = First payments
step-second_orders = Second orders

## Counts
count-people = { $n ->
    [one] { $n } person
   *[other] { $n } people
}
count-leads = { $n ->
    [one] { $n } lead
   *[other] { $n } leads
}
count-clients = { $n ->
    [one] { $n } client
   *[other] { $n } clients
}
count-rows = { $n ->
    [one] { $n } row
   *[other] { $n } rows
}
count-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
metric-attainment-of = attainment of { $metric }
outcome-warm-lead = warm lead

## Kinds of records behind a statement line
record-payments = payment
record-handoffs = handoff
record-contracts = contract
record-invoices = invoice
record-companies = company
record-calls = call
record-leads = lead

## Why a receiver was chosen
assign-manual = chosen by hand: { $name }
assign-next = { $name }: next in turn in { $scope }
assign-fewest = { $name }: fewest open leads ({ $n }) in { $scope }
assign-fewest-clients = { $name }: fewest clients in portfolio ({ $n }) in { $scope }
assign-scope-region = the lead's region
assign-scope-other = another region (none free in the lead's region)
assign-overridden = { $explanation }; checklist overridden by { $by } (missing: { $missing }): { $why }
assign-reassigned = reassigned by { $by }: { $explanation }
assign-sla-passed = the acceptance SLA ({ $hours } working hours) passed; { $explanation }
alert-targets_missing = Targets missing for a plan
plan-active = active
plan-draft = draft
plan-shipped = default
metric-param-within_days = within { $v } days
metric-param-min = from { $v } ₽

## Units of the structure simulation's parameters
unit-calls-day = calls/day
unit-clients = clients
unit-days = days
unit-days-month = days/month
unit-deals = deals
unit-hours-client-month = hours/client/month
unit-hours-day = hours/day
unit-hours-lead = hours/lead
unit-months = months
unit-share-of-accepted-leads = share of accepted leads
unit-share-of-calls = share of calls
unit-share-of-clients-a-month = share of clients a month
unit-share-of-collections = share of collections
unit-share-of-handed-leads = share of handed leads
unit-share-of-leads = share of leads
unit-share-of-new-clients = share of new clients
unit-share-of-pay = share of pay
unit-share-of-working-time = share of working time
unit-share-of-DM-conversations = share of DM conversations
unit-share-of-receivables = share of receivables
unit-repeat-rate = × repeat rate
unit-per-new-client-0-from-orders-and-churn = ₽ per new client (0 = from orders and churn)
unit-head-month = ₽/head/month
unit-month = ₽/month
unit-share-of-active-clients-a-month = share of active clients a month

## Kinds of activities and absences
activity-call = call
activity-meeting = meeting
activity-email = e-mail
activity-note = note
activity-kickoff = first meeting with the client manager
absence-vacation = vacation
absence-sick = sick leave
absence-sick_leave = sick leave
absence-other = other
outcome-kickoff = kickoff held

## Alert texts (the watcher's findings): what happened and what to do.
alert-msg-no_new_client-since = { $who }: no new client for { $months } months (the last was won on { $date })
alert-msg-no_new_client-never = { $who }: no new client yet, { $months } months or more in the role
alert-act-no_new_client = review their pipeline and the leads they rejected with them; check the lead flow they receive
alert-msg-lead_past_sla = { $who }: { $n } warm lead(s) past the acceptance SLA, the oldest by { $hours } h
alert-act-lead_past_sla = accept or reject them now, or reassign them to another sales manager
alert-msg-stale_deal = { $who }: { $n } deal(s) with no activity for { $days } days or more
alert-act-stale_deal = call the client and log the next step, or close the deal as lost
alert-msg-overdue_invoices = { $who }: { $n } invoice(s) overdue { $bucket } days
alert-act-overdue_invoices-fresh = remind the client and agree the payment date
alert-act-overdue_invoices-old = call the client's decision maker; consider stopping deliveries until paid
alert-msg-client_no_order = { $who }: { $n } client(s) with no order for { $months } months
alert-act-client_no_order = call them: what changed, and what would they order next
alert-msg-checklist_overridden = { $who }: { $n } warm lead(s) handed over in the last { $days } days with the checklist incomplete (missing: { $missing })
alert-act-checklist_overridden = ask the caller for the missing answers and check with the sales manager that the lead was really warm
alert-msg-targets_missing = { $who }: no target for { $period } ({ $missing }): the lines that need it pay 0
alert-act-targets_missing = set the targets for { $period } (People → targets), or copy the previous month's and review them
alert-kickoff_overdue = Kickoff overdue
alert-msg-kickoff_overdue = { $who }: { $n } handed-over client(s) not met by the kickoff deadline, the oldest by { $hours } h
alert-act-kickoff_overdue = hold the kickoff meeting today, or ask the head to hand the client to another client manager
task-call_back = call back
task-meeting = meeting
task-send_offer = send an offer
task-collect_payment = collect payment
