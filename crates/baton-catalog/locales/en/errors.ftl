# Refusals and errors. Id: err-{what}. Say what is wrong, where, and what to do.
# English keeps the wording the logs and the tests know.
err-untranslated = { $message }
err-storage = The database failed to answer; nothing was changed. Try again, and tell the administrator if it repeats.

## The web and the API
api-too-many-logins = too many failed logins; try again in { $seconds } s
api-give-period = give the period: ?period=YYYY-MM
api-give-param = give ?{ $field }={ $shape }
api-log-in-first = log in first: POST /api/auth/login, then send Authorization: Bearer <token>
api-too-large = the request body is larger than { $bytes } bytes; send less at once
api-bad-body = the request body cannot be read: { $error }
api-trailing-json = the request body has data after its JSON document: { $error }
api-bad-json = the request body is not valid: { $error }
api-bad-query = the query string is not valid: { $error }
api-not-whole = «{ $value }» is not a whole number
api-open-flag = «{ $value }»: write open=1 or open=0
api-no-route = { $method } { $path } is not a Baton endpoint; see /api/openapi.json
api-wrong-method = { $path } does not take { $method }; see /api/openapi.json
web-bad-header = the Authorization or Cookie header cannot be read
web-other-site = the request came from another site (Origin or Referer does not match this host)
web-csrf-header-wrong = the X-CSRF-Token header is not this session's token
web-csrf-header-missing = a request authenticated by the session cookie must send the X-CSRF-Token header (the content of <meta name="csrf-token">); API clients may send Authorization: Bearer instead
web-form-stale = the form has no valid CSRF token; reload the page and try again
web-form-too-large = the form is too large

## Typed values (baton-domain)
err-input = { $field } { $why }
why-blank = is empty: write something
why-too-long = is { $len } characters long; at most { $max } are allowed
why-control = holds a control character (code { $code }); remove it
why-too-many = has { $len } items; at most { $max } are allowed in one request
why-not-date = «{ $value }» is not a date: write it as YYYY-MM-DD
why-out-of-window = { $date } is outside { $from }…{ $to }: business dates lie within { $years } years of today
why-negative = cannot be negative
err-inn-length = ИНН must have 10 digits (organisation) or 12 digits (sole trader); «{ $value }» has { $n }
err-inn-not-digits = ИНН «{ $value }» may contain digits only
err-inn-check-digit = ИНН «{ $value }» has a wrong check digit: check for a typo
err-kpp-format = КПП «{ $value }» must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits
err-phone-format = «{ $value }» is not a phone number: write it as +7 912 345-67-89 or 8 912 345-67-89
err-money-format = «{ $value }» is not an amount of money: write rubles with at most two decimals, e.g. 1234,56
err-config-timezone = unknown time zone; use an IANA name such as Europe/Moscow
err-config-hours-positive = must be a positive number of hours
err-config-positive = must be positive
err-config-keep-other-reason = the list must keep the `other` reason
err-config-unique-keys = item keys must be unique

## Rules of the conveyor (baton-domain)
err-checklist-incomplete = the warm-lead checklist is incomplete: { $missing }
err-brief-incomplete = the handover brief is incomplete: { $missing }
err-wrong-stage = this lead is at stage «{ $stage }», where «{ $action }» is not possible
err-not-yours = only { $who } may do this
err-no-receiver = no sales manager can take the lead: { $why }
err-unknown-reason = unknown rejection reason «{ $reason }»
err-reason-text-required = the reason «other» needs a short explanation
err-company-claimed = the company is being worked by { $holder } until { $until }
err-attribution-fixed = attribution is permanent and was already set
err-deal-contract-by-signing = a deal reaches «contract» when its contract is recorded: use «sign contract»
err-deal-won-by-payment = a deal is won by its first payment: record the payment
err-deal-cannot-move = cannot move a deal to «{ $stage_code }»
err-lost-reason-required = say why the deal is lost
who-lead-caller = the lead's caller
who-lead-seller = the sales manager the lead was handed to
who-deal-owner = the deal's owner
who-lead-owner = the lead's owner
who-lead-caller-qualifying = the lead's caller, while qualifying
who-client-winner = the sales manager who won the client
err-receiver-not-seller = «{ $id }» is not a sales manager
err-receiver-absent = { $name } is absent
err-receiver-at-limit = { $name } is at the open-lead limit ({ $limit })
err-receiver-at-portfolio-limit = { $name } is at the portfolio limit ({ $limit })
err-receiver-manual = assignment is manual: choose the sales manager
err-receiver-everyone-busy = everyone is absent or at the open-lead limit
err-receiver-everyone-busy-portfolio = everyone is absent or at the portfolio limit
lead_act-hand_off = hand_off
lead_act-accept = accept
lead_act-reject = reject
lead_act-move = move
lead_act-lose = lose
lead_act-reassign = reassign
lead_act-sign_contract = sign_contract
lead_act-win = win
lead_act-kickoff = kickoff
err-kickoff-wrong-status = this lead is at stage «{ $status }», where «kickoff» is not possible

## Actions, as a refusal names them (rights.rs)
act-edit-config = change the conveyor settings
act-manage-regions = create regions
act-manage-people = add people and grant roles
act-record-absence = record absences
act-read-people = see people's role history
act-create-company = create companies
act-edit-contacts = add contacts to companies
act-log-call = log calls and activities
act-read-activities = read calls and activities
act-manage-call-lists = manage call lists
act-open-lead = open leads
act-hand-off = hand leads over
act-override-checklist = hand a lead over with the checklist incomplete
act-decide-lead = accept or reject warm leads
act-reassign-lead = reassign warm leads
act-work-deal = work deals
act-lose-lead = close leads as lost
act-invoice = issue invoices
act-payment = record payments
act-refund = record refunds
act-handover = hand clients to a client manager
act-move-clients = move clients between client managers
act-kickoff = hold client kickoffs
act-order = record orders
act-manage-products = edit products and prices
act-set-targets = set targets
act-read-targets = see targets
act-read-audit = read the audit log
act-verify-audit = verify the audit chain
act-read-finance = see invoices and payments
act-read-payroll = read payroll
act-calculate-period = calculate payroll
act-approve-period = approve payroll
act-pay-period = mark payroll paid
act-read-plans = read compensation plans
act-edit-plans = edit compensation plans
act-read-reports = see the department's reports
act-manage-costs = record acquisition costs
act-ack-alerts = acknowledge alerts
act-set-alert-rules = change the alert rules
act-replay = replay pay plans
act-simulate = simulate the department's structure
act-export-import = export or import data
err-forbidden = your role may not { $action }
err-forbidden-reach = your role may not { $action } { $whose }
reach-other-people = for other people
reach-outside-region = outside your region
reach-whole-company = for the whole company
err-grant-self = your role may not grant roles to yourself
err-grant-role-admin-only = your role may not grant the role { $role_code } (only an admin may)
err-grant-role-director-only = your role may not grant the role { $role_code } (only a director or an admin may)
err-grant-outside-region = your role may not grant a role outside your region

## Application errors (baton-app error.rs)
err-unauthenticated = log in first
err-bad-credentials = wrong login or password
err-not-found = { $entity } «{ $id }» not found
err-duplicate-company = a company with ИНН { $inn } already exists: «{ $name }», owned by { $owner }
err-conflict = { $what } was changed by someone else at the same moment; reload and try again
err-conflict-record = { $entity } { $id }
err-unknown-reference = a record the request names does not exist
err-import-invalid = the import has { $n } bad rows; nothing was written: { $rows }
err-import-row = { $file }, line { $line }, { $column }: { $why }
err-invalid-plan = the plan has { $n } problem(s): { $problems }
err-not-one-of = { $field } «{ $value }» is not one of: { $valid }
err-cost-not-positive = amount must be more than zero: a cost is money spent

## Entities, as errors name them (store tables and use cases)
entity-regions = regions
entity-employees = employees
entity-role_assignments = role_assignments
entity-absences = absences
entity-companies = companies
entity-contacts = contacts
entity-call_lists = call_lists
entity-call_list_items = call_list_items
entity-leads = leads
entity-activities = activities
entity-handoffs = handoffs
entity-products = products
entity-contracts = contracts
entity-contract_lines = contract_lines
entity-orders = orders
entity-order_lines = order_lines
entity-invoices = invoices
entity-credit_notes = credit_notes
entity-payments = payments
entity-targets = targets
entity-audit_events = audit_events
entity-settings = settings
entity-plan_versions = plan_versions
entity-pay_periods = pay_periods
entity-pay_statements = pay_statements
entity-acquisition_costs = acquisition_costs
entity-alert_acks = alert_acks
entity-alert_log = alert_log
entity-period_approvals = period_approvals
entity-sessions = sessions
entity-company = company
entity-employee = employee
entity-handoff = handoff
entity-lead = lead
entity-pay_period = pay_period
entity-plan = plan
entity-client = client
entity-invoice = invoice
entity-call_list = call list
entity-pending_handoff_of_lead = pending handoff of lead
entity-contract = contract
entity-order = order
entity-product = product
entity-region = region
entity-payment = payment

## Form fields, as a refusal names them: field-{machine name}. English keeps the machine name.
field-name = name
field-position = position
field-phone = phone
field-email = email
field-inn = inn
field-kpp = kpp
field-industry = industry
field-source = source
field-contacts = contacts
field-company_id = company_id
field-company_ids = company_ids
field-note = note
field-lead_id = lead_id
field-campaign = campaign
field-checklist = checklist
field-amount = amount
field-expected_on = expected_on
field-override_reason = override_reason
field-brief = brief
field-number = number
field-signed_on = signed_on
field-lines = lines
field-issued_on = issued_on
field-due_on = due_on
field-paid_on = paid_on
field-refunded_on = refunded_on
field-reason = reason
field-delivery_month = delivery_month
field-login = login
field-password = password
field-valid_from = valid_from
field-valid_to = valid_to
field-kind = kind
field-text = text
field-employee = employee
field-code = code
field-metric = metric
field-sku = sku
field-stage = stage
field-status = status
field-from = from
field-to = to
field-sort = sort
field-order = order
field-region_id = region_id
field-region = region
field-value = value
field-outcome = outcome
field-duration_sec = duration_sec
field-occurred_at = occurred_at
field-period = period
field-role = role
field-price = price
field-qty = qty
field-months = months

## Deals, invoices, payments, products (conveyor/deals.rs)
err-no-product = no product «{ $id }»
err-qty-not-positive = quantity must be positive
err-price-negative = a price cannot be negative
err-amount-not-positive = the amount must be more than zero
err-contract-amount-or-lines = give the contract's amount or its lines
err-contract-number-taken = contract number «{ $number }» is taken
err-delivery-month-format = write the delivery month as YYYY-MM
err-order-amount-or-lines = give the order's amount or its lines
err-due-before-issue = the due date comes before the issue date
err-no-contract = no contract «{ $id }»
err-contract-other-company = the contract belongs to another company
err-invoice-number-taken = invoice number «{ $number }» is taken
err-overpayment = the invoice has { $outstanding } outstanding; record the overpayment as a separate invoice
err-refund-reason-required = say why the money is returned
err-refund-over-paid = only { $paid } was paid on this invoice
err-already-handed-over = the client already has a client manager
handover-at-first-payment = the first payment
handover-at-contract = the signed contract
handover-days-after-payment = { $days } days after the first payment
err-handover-point-not-reached = the client is handed over at { $point }
err-choose-client-manager = choose the client manager
err-not-client-manager = { $name } is not a client manager
err-product-needs-sku-and-name = a product needs an SKU and a name
err-sku-taken = SKU «{ $sku }» is taken

## People, regions, roles, targets (conveyor/people.rs)
err-region-needs-code-and-name = a region needs a code and a name
err-region-code-taken = region code «{ $code }» is taken
err-unknown-role = unknown role «{ $role }»
err-login-format = a login is Latin letters, digits, dot, dash or underscore
err-person-name-required = give the person's name
err-login-taken = login «{ $login }» is taken
err-role-end-before-start = the end must come after the start
err-absence-end-before-start = the absence ends before it starts
err-config-unwritable = { $error }
err-target-negative = a target cannot be negative
err-not-a-number = «{ $value }» is not a number
err-metric-required = name the metric
err-copy-same-month = choose a month other than the one copied

## Companies and contacts (conveyor/companies.rs)
err-contact-name-required = give the contact's name
err-email-format = «{ $value }» is not an e-mail address
err-company-name-required = give the company's name
err-company-region-required = choose the company's region
err-company-outside-region = your role may not create companies outside your region
dup-on-name = name
dup-on-phone = phone { $phone }
dup-company = «{ $name }» (ИНН { $inn }, { $on })
err-possible-duplicate = this may be a company that already exists: { $names }. Open it, or send again with confirm_distinct = true if it is a different company
err-conflict-company-inn = company with ИНН { $inn }
err-merge-into-itself = a company cannot be merged into itself
err-merge-not-yours = your role may not merge a company you did not create or do not work
err-already-merged = this company was already merged
err-merge-has-money = «{ $name }» has { $table }; a company with money history is not merged away (merge the other one into it instead)

## Leads (conveyor/leads.rs)
err-stored-stage-unknown = stored stage «{ $stage }» is unknown
err-no-longer-yours = the lead is no longer yours: its handoff to you is { $status_code } (decided { $at }); reload the list
err-no-longer-yours-now = the lead is no longer yours: its handoff to you is { $status_code } (decided just now); reload the list
err-lead-source = source is cold_call, inbound, referral or campaign
err-campaign-required = name the campaign the lead came from
err-lead-exists = «{ $name }» already has an open lead; work that one
err-unknown-stage = unknown stage «{ $stage }»

## Calls, activities, call lists (conveyor/calls.rs)
err-call-list-for-other = your role may not make call lists for someone else
err-call-list-name-required = name the call list
err-owner-no-region = the owner has no region
err-no-company = no company «{ $id }»
err-unknown-outcome = unknown outcome «{ $outcome }»; use one of { $valid }
err-call-duration = a call lasts between 0 and 36 000 seconds
err-activity-kind = kind is meeting, email or note (calls are logged as calls)
err-time-format = write the time as RFC 3339, e.g. 2026-11-27T10:00:00Z
err-lead-other-company = the lead belongs to another company

## Splitting the department (conveyor/split.rs)
err-move-to-required = name who takes the clients: to_id (one manager) or to_ids (several, in turn)
err-move-too-many-managers = too many managers in one move
err-split-too-big = at most { $limit } role changes and { $limit } moves in one split
err-split-empty = say who takes which role from today, or whose clients go to whom
err-no-such-person = no such person
err-split-role = a split gives caller, sales_manager, client_manager or universal_manager

## Portfolios (conveyor/portfolios.rs)
err-move-too-many-clients = at most { $max } clients in one move; split the list
err-move-nothing = list the clients to move, or name the manager whose clients move (from_id)
err-not-client-manager-today = { $name } is not a client manager today

## Split presets
err-split-preset = a preset is universal, mixed or conveyor
err-not-date = «{ $value }» is not a date: write it as YYYY-MM-DD

## Payroll (payroll/*.rs)
err-not-month = «{ $value }» is not a month: write YYYY-MM
err-register-format = «{ $value }» is not a register format: use csv or xlsx
err-statement-unreadable = stored statement { $id } is unreadable: { $error }
err-period-not-ended = { $period } has not ended yet: it stays open (live) until { $end }
err-period-frozen = period { $period } is { $status_code }: it is frozen; later changes flow into the next open period
err-statement-unwritable = cannot serialise: { $error }
err-statement-bad-json = { $error }
err-approve-without-region = your role may not approve payroll without a region
err-period-open-calculate = { $period } is open: calculate it first
err-approve-not-calculated = period { $period } is { $status_code }; only a calculated period can be approved
err-approve-in-order = approve { $prev } first: periods are approved in order
err-period-data-changed = the data of { $period } changed since it was calculated; calculate it again and review before approving
err-period-open-approve = { $period } is open: calculate and approve it first
err-pay-not-approved = period { $period } is { $status_code }; only an approved period can be paid
err-plan-status = «{ $value }» is not a plan status: use active or draft
err-no-employee = no employee «{ $who }»: give a login or an id
err-register-write = { $error }

## What-if: replay and structure (whatif/*.rs)
err-range-reversed = «{ $to }» is before «{ $from }»: give the range oldest month first
err-replay-too-long = at most { $max } months in one replay
err-range-past-calendar = the range runs past the calendar
err-simulation = { $error }
err-scenario-format = «{ $value }» is not a scenario: write universal:3, conveyor:2,2,1 (callers, sales managers, client managers), hybrid:2,3 (callers, universal managers) or mix:1,1,1,2
err-scenarios-required = give at least one scenario; the first is the baseline
err-history-months = give 1 to { $max } months of history
err-sim-preset = no preset «{ $name }»: use brief7 or brief7_whole_clients
err-preset-or-history = choose a preset or the history, not both
err-history-estimates-missing = the history's estimates are missing

## Reports and alerts (insight/*.rs)
err-dso-days = { $days } is not a number of days between 1 and 3660
err-alert-key = «{ $key }» is not an alert's key: take it from the alerts' list
err-alert-key-person = «{ $key }» names no known person: take it from the alerts' list
err-out-of-range = { $value } is out of range: give a whole number from 1 to { $max }
err-alert-rules-unwritable = { $error }
err-alert-records-unwritable = { $error }
err-alert-rules-unreadable = the stored alert rules are unreadable: { $error }
err-cost-kind-required = say what the cost is: telephony, lists, ads …
err-amount-zero = the amount is zero
err-region-code-required = give the region's code
err-costs-too-long = the report covers at most { $years } years: narrow from and to
err-revenue-months = { $n } is not a number of months between 1 and 36
err-month-out-of-range = the month is out of range
err-no-login = there is nobody with the login «{ $login }»
err-matrix = { $error }
err-period-reversed = the period ends ({ $to }) before it starts ({ $from })
err-no-region = there is no region with the code «{ $code }»
err-reports-other-region = your role may not see the reports of another region than your own
err-retention-months = { $n } is not a number of months between 1 and 60

## Logins (auth.rs), settings (lib.rs), demo (demo.rs)
err-password-hash = { $error }
err-password-too-short = the password needs at least 6 characters
err-current-password-wrong = the current password is not right
err-password-same = the new password must differ from the current one
err-config-unreadable = stored configuration is unreadable: { $error }
err-demo-db-not-empty = the database already has data; the demo needs an empty one (use a new file or --db)
err-demo-checklist-accepted = an incomplete checklist was accepted

## Import of a CSV bundle (bundle/*.rs)
why-not-one-of = «{ $value }» is not one of { $valid }
why-date-canonical = write the date as { $date }
why-not-instant = «{ $value }» is not an instant: write it as RFC 3339 UTC, e.g. 2026-11-27T10:00:00.000000Z
why-instant-canonical = write the instant as { $stamp }
why-not-integer = «{ $value }» is not a whole number
why-number-negative = { $n } cannot be negative
why-number-not-positive = { $n } must be positive
why-amount-negative = { $amount } cannot be negative
why-amount-not-positive = { $amount } must be positive
why-not-bool = «{ $value }» is not 1 or 0
why-not-json = { $error }
why-phone-e164 = write the phone in E.164 form: { $phone }
why-role-end-not-after-start = { $to } is not after valid_from { $from }: valid_to is the first day the role is no longer held
why-absence-reversed = the absence ends ({ $to }) before it starts ({ $from })
why-call-outcome-required = a call needs its outcome: one of { $valid }
why-no-outcome-for-kind = «{ $outcome }» is not an outcome of a { $kind }: leave it empty
why-payment-negative = { $amount } is negative: only a refund, with its credit_note_id, is
why-ref-missing = «{ $value }» is not in { $target }.csv nor in the database
why-key-repeated = { $label } «{ $key }» is already on line { $first }
why-key-taken = { $label } «{ $key }» already belongs to { $table } «{ $owner }» in the database
key-regions = region code
key-employees = login
key-companies = ИНН+КПП
key-products = SKU
key-contracts = contract number
key-invoices = invoice number
key-targets = target (employee, period, metric)
err-bundle-write = cannot write { $path }: { $error }
err-bundle-flush = { $error }
err-bundle-read = cannot read { $path }: { $error }
err-bundle-create = cannot create { $path }: { $error }
err-bundle-not-folder = { $path } is not a folder with a CSV bundle
err-bundle-empty = { $path } has none of the bundle's files ({ $first }.csv …)
why-header-unreadable = unreadable header: { $error }
why-column-missing = the column «{ $column }» is missing from the header
why-column-unknown = unknown column «{ $column }»; expected { $expected }
why-not-csv = not valid CSV: { $error }
why-id-repeated = id «{ $id }» is already on line { $first }
why-value = { $error }
why-audit-seq-taken = an event's place in the audit chain is taken by another event in the database ({ $constraint }): a bundle's linked audit events import into a database with no audit events or with the same chain
why-unique-in-db = a row repeats a unique value already in the database ({ $constraint })

## Pages a role may not open (baton-web)
act-web-whatif = use the what-if instruments
act-web-portfolio = keep a client portfolio
act-web-finance = see invoices and payments
act-web-incoming = receive warm leads
act-web-deals = work deals
act-web-reports = see the department's reports
act-web-staff = see the staff list
act-web-settings = change the conveyor settings
act-web-call-queue = work a call queue
act-web-log-calls = log calls
act-web-caller-leads = have leads of a caller
act-web-kickoffs = hold client kickoffs

err-web-region-id = name the region (its id)
err-web-plan-text = paste the draft plan's text or choose a stored version
err-web-runs = «{ $value }»: write a whole number of runs from 1 to 20 000
err-web-horizon = «{ $value }»: write the horizon in whole months, 1 to 120
err-web-split-no-cm = nobody is a client manager after the split: give someone that role first
err-web-amount-empty = enter the amount, e.g. 40 000,00
err-web-amount-format = «{ $value }» is not an amount of money ({ $error }); write it as 40 000,00
err-web-range-months = «{ $value }» is out of range: give a whole number from 1 to 120
act-web-see = see this { $entity }

## The bank statement import (1CClientBankExchange)
bank-err-not-exchange = line { $line }: the file does not start with 1CClientBankExchange
bank-err-value = line { $line }: { $key } «{ $value }» is not { $expected }
bank-err-missing = line { $line }: the document has no { $key }
bank-err-unclosed = line { $line }: the document is not closed with КонецДокумента
bank-err-no-accounts = the statement names none of its own accounts (РасчСчет)
bank-expect-encoding = Windows or DOS
bank-expect-date = a date (ДД.ММ.ГГГГ)
bank-expect-amount = an amount (rubles with a dot, e.g. 15000.00)
bank-no-payer-inn = the document has no payer ИНН
bank-unknown-inn = no company has ИНН { $inn }
bank-no-open-invoice = the company with ИНН { $inn } has no open invoice
bank-several-invoices = several invoices fit: { $invoices }
bank-invoice-paid = invoice { $invoice } is already paid
bank-more-than-outstanding = { $amount } is more than the { $outstanding } outstanding on invoice { $invoice }
bank-no-invoice-of-amount = the purpose names no invoice and none of the { $open } open invoices is for { $amount }
bank-payment-refused = { $message }

## The command line
cli-import-problems = The bundle has { $n } problems; nothing was written:
cli-import-problem = { $file }:{ $line } column «{ $column }»: { $why }
act-manage-tasks = set tasks and reminders
err-task-kind = Say what the task is: call_back, meeting, send_offer or collect_payment.
err-task-outcome = Say how the task ended: done or cancelled.
err-task-due = «{ $value }» is not a date and time: write 2026-12-08T10:00 or 08.12.2026 10:00 (company time).
err-task-due-past = That time has passed: choose a later one.
err-task-closed = The task is already closed; set a new one if needed.

## Notifications and webhooks (issue 18)
act-manage-webhooks = manage webhooks and see the delivery log
act-read-notifications = read and set up one's notifications
err-email-invalid = "{ $value }" is not an e-mail address. Enter an address like name@company.com.
err-lang-invalid = Language "{ $value }" is not supported. Choose ru or en.
err-event-kind-unknown = No such event: "{ $value }". Known: lead.handed, lead.accepted, lead.rejected, lead.sla_soon, contract.signed, payment.recorded, client.handed_over, task.due, alert.raised, period.approved, period.paid, webhook.disabled.
err-webhook-url = The webhook address "{ $value }" cannot be used: { $why }.
webhook-url-scheme = it must start with https:// or http://
webhook-url-form = it has no host, contains spaces or is longer than 2000 characters
webhook-url-credentials = a login and password in the address are not allowed; rely on the signature
webhook-url-private = it is an internal address (localhost, a private network); webhooks go to outside systems only
crm-unreadable = The file cannot be read: { $why }. Export it from the CRM again as CSV or XLSX.
crm-unknown-field = The mapping's [columns] names the field «{ $field }», which does not exist. Use one of: kind, id, title, amount, stage, pipeline, responsible, created_by, created_at, closed_at, expected_on, loss_reason, company, inn, kpp, contact, first_name, last_name, position, phone, email, city, industry, source or skip.
crm-no-company-column = No column holds a company or an ИНН (headers: { $headers }). Name the column in the mapping's [columns], e.g. «"Клиент" = "company"».
crm-no-company = The row names no company: Baton works with organisations, and a contact or deal without one has nothing to belong to.
crm-no-inn = The company «{ $name }» has no ИНН on any row. Add the ИНН column to the export (a company field or requisite in amoCRM and Bitrix24) or type it into the file.
crm-bad-date = «{ $value }» is not a date. Write DD.MM.YYYY, DD.MM.YYYY HH:MM[:SS], DD-MM-YYYY HH:MM:SS or YYYY-MM-DD.
crm-bad-stage-meaning = The mapping's [stages] says «{ $value }» for the stage «{ $stage }»; write open, won or lost.
crm-won-without-amount = The deal is won but has no budget: a contract cannot be signed without an amount. Fill in the deal's budget.
crm-unknown-user = The user «{ $user }» is none of Baton's employees. Add the employee, or write their login in the mapping's [users]: «"{ $user }" = "login"».
crm-no-responsible = The deal has no responsible person: in Baton a sales manager works each deal. Fill in the «Ответственный» column.
crm-no-region = No region for the city «{ $city }». Write its region code in the mapping's [regions] or give a default region (--region).
crm-unknown-region = There is no region with the code «{ $region }». Check the code (e.g. msk): it is on each employee's card and in the region settings.
cli-crm-problems = { $n } problems found (without --skip-problems nothing is written):
tel-bad-record = The call record cannot be read: { $why }. Export the call log from the PBX again.
