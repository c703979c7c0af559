# Отказы и ошибки. Id: err-{что}. Сказать, что не так, где и что сделать.
err-untranslated = { $message }
err-storage = База данных не ответила; ничего не изменено. Повторите, а если повторится — сообщите администратору.

## The web and the API
api-too-many-logins = Слишком много неудачных входов; попробуйте через { $seconds } с.
api-give-period = Укажите период: ?period=ГГГГ-ММ
api-give-param = Укажите ?{ $field }={ $shape }
api-log-in-first = Сначала войдите: POST /api/auth/login, затем передавайте Authorization: Bearer <токен>
api-too-large = Тело запроса больше { $bytes } байт; отправляйте меньше за раз
api-bad-body = Тело запроса не читается: { $error }
api-trailing-json = После JSON-документа в теле запроса есть лишние данные: { $error }
api-bad-json = Тело запроса неверно: { $error }
api-bad-query = Параметры запроса неверны: { $error }
api-not-whole = «{ $value }» — не целое число
api-open-flag = «{ $value }»: укажите open=1 или open=0
api-no-route = { $method } { $path } — такого адреса в API Baton нет; список: /api/openapi.json
api-wrong-method = { $path } не принимает { $method }; список: /api/openapi.json
web-bad-header = Заголовок Authorization или Cookie не читается.
web-other-site = Запрос пришёл с другого сайта. Откройте страницу Baton и повторите.
web-csrf-header-wrong = Заголовок X-CSRF-Token не совпадает с токеном этой сессии. Обновите страницу и повторите.
web-csrf-header-missing = Запрос с cookie сессии должен передавать заголовок X-CSRF-Token (содержимое <meta name="csrf-token">); API-клиенты могут вместо этого передавать Authorization: Bearer.
web-form-stale = Форма устарела. Обновите страницу и повторите.
web-form-too-large = Форма слишком большая.

## Вводимые значения (baton-domain)
err-input = «{ $field }»: { $why }
why-blank = не заполнено — впишите значение
why-too-long = { $len ->
        [one] { $len } символ
        [few] { $len } символа
       *[many] { $len } символов
    }, а можно не больше { $max } — сократите текст
why-control = есть служебный символ (код { $code }) — удалите его
why-too-many = { $len ->
        [one] { $len } элемент
        [few] { $len } элемента
       *[many] { $len } элементов
    }, а за один раз можно не больше { $max } — разбейте на части
why-not-date = «{ $value }» — не дата; запишите её как ГГГГ-ММ-ДД, например 2026-12-07
why-out-of-window = дата { $date } вне периода { $from } — { $to }: рабочие даты должны быть не дальше { $years ->
        [one] { $years } года
       *[other] { $years } лет
    } от сегодняшнего дня
why-negative = не может быть отрицательным
err-inn-length = В ИНН должно быть 10 цифр (организация) или 12 цифр (ИП), а в «{ $value }» { $n ->
        [one] { $n } знак
        [few] { $n } знака
       *[many] { $n } знаков
    }. Проверьте номер.
err-inn-not-digits = ИНН «{ $value }» должен состоять только из цифр.
err-inn-check-digit = В ИНН «{ $value }» не сходится контрольная цифра — скорее всего, опечатка. Сверьте номер с документами.
err-kpp-format = КПП «{ $value }» должен состоять из 9 знаков: 4 цифры, затем 2 цифры или заглавные латинские буквы, затем 3 цифры.
err-phone-format = «{ $value }» не похоже на номер телефона. Запишите его как +7 912 345-67-89 или 8 912 345-67-89.
err-money-format = «{ $value }» не похоже на сумму. Запишите рубли и не больше двух знаков копеек, например 1234,56.
err-config-timezone = Неизвестный часовой пояс. Укажите его по справочнику IANA, например Europe/Moscow.
err-config-hours-positive = Укажите положительное число часов.
err-config-positive = Значение должно быть больше нуля.
err-config-keep-other-reason = В списке причин отказа должна остаться причина «другое».
err-config-unique-keys = Пункты чек-листа не должны повторяться: у каждого свой ключ.

## Правила конвейера (baton-domain)
err-checklist-incomplete = Чек-лист тёплого лида заполнен не полностью, не хватает: { $missing }. Заполните эти пункты и передайте лид снова.
err-brief-incomplete = Бриф для передачи клиента заполнен не полностью, не хватает: { $missing }. Заполните эти пункты.
err-wrong-stage = Лид на этапе «{ $stage }»; на этом этапе действие «{ $action }» невозможно.
err-not-yours = Это может сделать только { $who }.
err-no-receiver = Ни один МПП не может принять лид: { $why }.
err-unknown-reason = Причины отказа «{ $reason }» нет в списке. Выберите причину из списка.
err-reason-text-required = Для причины «другое» нужно коротко пояснить, в чём дело.
err-company-claimed = С этой компанией уже работает { $holder } — до { $until }.
err-attribution-fixed = Источник клиента уже записан, и изменить его нельзя.
err-deal-contract-by-signing = Сделка переходит на этап «Договор подписан», когда договор внесён в систему: воспользуйтесь действием «Подписать договор».
err-deal-won-by-payment = Сделка считается выигранной после первой оплаты: внесите оплату.
err-deal-cannot-move = Сделку нельзя перевести на этап «{ $stage }».
err-lost-reason-required = Укажите, почему сделка проиграна.
who-lead-caller = менеджер по звонкам, который ведёт лид
who-lead-seller = МПП, которому передан лид
who-deal-owner = владелец сделки
who-lead-owner = владелец лида
who-lead-caller-qualifying = менеджер по звонкам, который ведёт лид, пока лид на квалификации
who-client-winner = МПП, который выиграл клиента
err-receiver-not-seller = сотрудник «{ $id }» не менеджер по продажам
err-receiver-absent = { $name } отсутствует
err-receiver-at-limit = у сотрудника { $name } уже предельное число открытых лидов ({ $limit })
err-receiver-at-portfolio-limit = у сотрудника { $name } портфель уже заполнен ({ $limit })
err-receiver-manual = лиды распределяются вручную, выберите МПП сами
err-receiver-everyone-busy = все отсутствуют или уже набрали предельное число открытых лидов
err-receiver-everyone-busy-portfolio = все отсутствуют или их портфели уже заполнены
lead_act-hand_off = передать лид
lead_act-accept = принять лид
lead_act-reject = отклонить лид
lead_act-move = перевести на другой этап
lead_act-lose = закрыть как проигранную
lead_act-reassign = передать другому МПП
lead_act-sign_contract = подписать договор
lead_act-win = отметить выигранной
lead_act-kickoff = провести стартовую встречу
err-kickoff-wrong-status = Стартовую встречу проводят с клиентом, а у компании статус «{ $status }».

## Действия, как их называет отказ (rights.rs)
act-edit-config = менять настройки конвейера
act-manage-regions = создавать регионы
act-manage-people = добавлять сотрудников и назначать роли
act-record-absence = отмечать отсутствия
act-read-people = смотреть историю ролей сотрудников
act-create-company = создавать компании
act-edit-contacts = добавлять контакты компаний
act-log-call = вносить звонки и другие касания
act-read-activities = смотреть звонки и другие касания
act-manage-call-lists = вести списки обзвона
act-open-lead = открывать лиды
act-hand-off = передавать лиды
act-override-checklist = передавать лид с незаполненным чек-листом
act-decide-lead = принимать и отклонять тёплые лиды
act-reassign-lead = переназначать тёплые лиды
act-work-deal = вести сделки
act-lose-lead = закрывать лиды как проигранные
act-invoice = выставлять счета
act-payment = вносить оплаты
act-refund = оформлять возвраты
act-handover = передавать клиентов клиентскому менеджеру
act-move-clients = переводить клиентов между клиентскими менеджерами
act-kickoff = проводить стартовые встречи с клиентами
act-order = вносить заказы
act-manage-products = менять товары и цены
act-set-targets = ставить планы
act-read-targets = смотреть планы
act-read-audit = читать журнал действий
act-verify-audit = проверять целостность журнала действий
act-read-finance = смотреть счета и оплаты
act-read-payroll = смотреть расчёт зарплаты
act-calculate-period = рассчитывать зарплату
act-approve-period = утверждать расчёт зарплаты
act-pay-period = отмечать зарплату выплаченной
act-read-plans = смотреть схемы мотивации
act-edit-plans = менять схемы мотивации
act-read-reports = смотреть отчёты отдела
act-manage-costs = вносить затраты на привлечение
act-ack-alerts = отмечать сигналы просмотренными
act-set-alert-rules = менять правила сигналов
act-replay = пересчитывать прошлые периоды по другой схеме мотивации
act-simulate = моделировать структуру отдела
act-export-import = выгружать и загружать данные
err-forbidden = У вашей роли нет права { $action }.
err-forbidden-reach = У вашей роли нет права { $action } { $whose }.
reach-other-people = за других сотрудников
reach-outside-region = за пределами вашего региона
reach-whole-company = по всей компании
err-grant-self = Назначать роли самому себе нельзя: попросите руководителя или администратора.
err-grant-role-admin-only = Роль «{ $role }» может назначить только администратор.
err-grant-role-director-only = Роль «{ $role }» может назначить только коммерческий директор или администратор.
err-grant-outside-region = Назначать роли за пределами своего региона нельзя.

## Ошибки приложения (baton-app error.rs)
err-unauthenticated = Сначала войдите в систему.
err-bad-credentials = Неверный логин или пароль.
err-not-found = Не найдено: { $entity } «{ $id }». Возможно, запись удалена или у вас нет к ней доступа.
err-duplicate-company = Компания с ИНН { $inn } уже есть: «{ $name }», её ведёт { $owner }.
err-conflict = { $what }: кто-то изменил эту запись в тот же момент. Обновите страницу и повторите.
err-conflict-record = { $entity } { $id }
err-unknown-reference = Запрос ссылается на запись, которой нет. Обновите страницу и выберите заново.
err-import-invalid = В загрузке { $n ->
        [one] { $n } ошибочная строка
        [few] { $n } ошибочные строки
       *[many] { $n } ошибочных строк
    }, ничего не записано: { $rows }
err-import-row = { $file }, строка { $line }, столбец «{ $column }»: { $why }
err-invalid-plan = В схеме мотивации { $n ->
        [one] { $n } ошибка
        [few] { $n } ошибки
       *[many] { $n } ошибок
    }: { $problems }
err-not-one-of = В поле «{ $field }» значение «{ $value }» не подходит. Допустимо: { $valid }.
err-cost-not-positive = Сумма затраты должна быть больше нуля.

## Записи, как их называют ошибки
entity-regions = Регион
entity-employees = Сотрудник
entity-role_assignments = Назначение роли
entity-absences = Отсутствие
entity-companies = Компания
entity-contacts = Контакт
entity-call_lists = Список обзвона
entity-call_list_items = Строка списка обзвона
entity-leads = Лид
entity-activities = Касание
entity-handoffs = Передача лида
entity-products = Товар
entity-contracts = Договор
entity-contract_lines = Строка договора
entity-orders = Заказ
entity-order_lines = Строка заказа
entity-invoices = Счёт
entity-credit_notes = Корректировочный счёт
entity-payments = Оплата
entity-targets = План
entity-audit_events = Запись журнала
entity-settings = Настройка
entity-plan_versions = Версия схемы мотивации
entity-pay_periods = Расчётный период
entity-pay_statements = Расчётный лист
entity-acquisition_costs = Затрата на привлечение
entity-alert_acks = Отметка сигнала
entity-alert_log = Сигнал
entity-period_approvals = Утверждение периода
entity-sessions = Сессия
entity-company = Компания
entity-employee = Сотрудник
entity-handoff = Передача лида
entity-lead = Лид
entity-pay_period = Расчётный период
entity-plan = Схема мотивации
entity-client = Клиент
entity-invoice = Счёт
entity-call_list = Список обзвона
entity-pending_handoff_of_lead = Ожидающая решения передача лида
entity-contract = Договор
entity-order = Заказ
entity-product = Товар
entity-region = Регион
entity-payment = Оплата

## Поля форм, как их называет отказ: field-{имя поля}
field-name = название
field-position = должность
field-phone = телефон
field-email = электронная почта
field-inn = ИНН
field-kpp = КПП
field-industry = отрасль
field-source = источник
field-contacts = контакты
field-company_id = компания
field-company_ids = компании
field-note = заметка
field-lead_id = лид
field-campaign = акция
field-checklist = чек-лист
field-amount = сумма
field-expected_on = ожидаемая дата
field-override_reason = причина передачи без чек-листа
field-brief = бриф
field-number = номер
field-signed_on = дата подписания
field-lines = позиции
field-issued_on = дата счёта
field-due_on = срок оплаты
field-paid_on = дата оплаты
field-refunded_on = дата возврата
field-reason = причина
field-delivery_month = месяц поставки
field-login = логин
field-password = пароль
field-valid_from = действует с
field-valid_to = действует по
field-kind = вид
field-text = текст
field-employee = сотрудник
field-code = код
field-metric = показатель
field-sku = артикул
field-stage = этап
field-status = статус
field-from = с
field-to = по
field-sort = сортировка
field-order = порядок
field-region_id = регион
field-region = регион
field-value = значение
field-outcome = итог звонка
field-duration_sec = длительность звонка
field-occurred_at = время
field-period = период
field-role = роль
field-price = цена
field-qty = количество
field-months = месяцев

## Deals, invoices, payments, products (conveyor/deals.rs)
err-no-product = Товара «{ $id }» нет в справочнике. Выберите товар из списка.
err-qty-not-positive = Количество должно быть больше нуля.
err-price-negative = Цена не может быть отрицательной.
err-amount-not-positive = Сумма должна быть больше нуля.
err-contract-amount-or-lines = Укажите сумму договора или его позиции.
err-contract-number-taken = Договор с номером «{ $number }» уже есть. Укажите другой номер.
err-delivery-month-format = Укажите месяц поставки в виде ГГГГ-ММ, например 2026-12.
err-order-amount-or-lines = Укажите сумму заказа или его позиции.
err-due-before-issue = Срок оплаты раньше даты выставления счёта. Проверьте даты.
err-no-contract = Договор «{ $id }» не найден.
err-contract-other-company = Этот договор заключён с другой компанией.
err-invoice-number-taken = Счёт с номером «{ $number }» уже есть. Укажите другой номер.
err-overpayment = По счёту осталось оплатить { $outstanding }. Переплату оформите отдельным счётом.
err-refund-reason-required = Укажите причину возврата денег.
err-refund-over-paid = По этому счёту оплачено только { $paid } — вернуть больше нельзя.
err-already-handed-over = У клиента уже есть клиентский менеджер.
handover-at-first-payment = после первой оплаты
handover-at-contract = после подписания договора
handover-days-after-payment = через { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    } после первой оплаты
err-handover-point-not-reached = Передавать клиента клиентскому менеджеру ещё рано: передача — { $point }.
err-choose-client-manager = Выберите клиентского менеджера.
err-not-client-manager = { $name } — не клиентский менеджер.
err-product-needs-sku-and-name = У товара должны быть артикул и название.
err-sku-taken = Артикул «{ $sku }» уже занят другим товаром.

## People, regions, roles, targets (conveyor/people.rs)
err-region-needs-code-and-name = У региона должны быть код и название.
err-region-code-taken = Код региона «{ $code }» уже занят.
err-unknown-role = Роли «{ $role }» нет. Выберите роль из списка.
err-login-format = Логин может состоять только из латинских букв, цифр, точки, дефиса и подчёркивания.
err-person-name-required = Укажите имя сотрудника.
err-login-taken = Логин «{ $login }» уже занят. Придумайте другой.
err-role-end-before-start = Дата окончания роли должна быть позже даты начала.
err-absence-end-before-start = Отсутствие заканчивается раньше, чем начинается. Проверьте даты.
err-config-unwritable = Не удалось сохранить настройки конвейера: { $error }.
err-target-negative = План не может быть отрицательным.
err-not-a-number = «{ $value }» — не число. Введите число, например 150 или 12,5.
err-metric-required = Выберите показатель.
err-copy-same-month = Выберите месяц, отличный от того, который копируете.

## Companies and contacts (conveyor/companies.rs)
err-contact-name-required = Укажите имя контакта.
err-email-format = «{ $value }» не похоже на адрес электронной почты. Проверьте, например: ivanov@romashka.ru.
err-company-name-required = Укажите название компании.
err-company-region-required = Выберите регион компании.
err-company-outside-region = Создавать компании за пределами своего региона нельзя.
dup-on-name = совпадает название
dup-on-phone = совпадает телефон { $phone }
dup-company = «{ $name }» (ИНН { $inn }, { $on })
err-possible-duplicate = Похоже, такая компания уже есть: { $names }. Откройте её, а если это другая компания — подтвердите, что она отличается, и сохраните снова.
err-conflict-company-inn = Компания с ИНН { $inn }
err-merge-into-itself = Компанию нельзя объединить саму с собой.
err-merge-not-yours = Объединять можно только компании, которые вы создали или ведёте.
err-already-merged = Эта компания уже объединена с другой.
err-merge-has-money = У компании «{ $name }» есть записи «{ $table }»; компанию с денежной историей нельзя поглотить — объедините, наоборот, другую компанию с ней.

## Leads (conveyor/leads.rs)
err-stored-stage-unknown = В базе записан неизвестный этап «{ $stage }». Сообщите администратору.
err-no-longer-yours = Этот лид уже не ваш: передача вам — «{ $status }» (решение принято { $at }). Обновите список.
err-no-longer-yours-now = Этот лид уже не ваш: передача вам — «{ $status }» (решение принято только что). Обновите список.
err-lead-source = Источник лида — холодный звонок, входящее обращение, рекомендация или акция.
err-campaign-required = Укажите акцию, из которой пришёл лид.
err-lead-exists = По компании «{ $name }» уже есть открытый лид — работайте с ним.
err-unknown-stage = Этапа «{ $stage }» нет. Выберите этап из списка.

## Calls, activities, call lists (conveyor/calls.rs)
err-call-list-for-other = Составлять списки обзвона для других сотрудников может только руководитель.
err-call-list-name-required = Дайте списку обзвона название.
err-owner-no-region = У владельца списка не указан регион.
err-no-company = Компания «{ $id }» не найдена.
err-unknown-outcome = Неизвестный итог звонка «{ $outcome }». Выберите итог из списка.
err-call-duration = Длительность звонка — от 0 до 36 000 секунд (10 часов).
err-activity-kind = Касание — это встреча, письмо или заметка; звонки вносятся как звонки.
err-time-format = Запишите время в формате RFC 3339, например 2026-11-27T10:00:00Z.
err-lead-other-company = Этот лид относится к другой компании.

## Splitting the department (conveyor/split.rs)
err-move-to-required = Укажите, кто принимает клиентов: одного менеджера или нескольких по очереди.
err-move-too-many-managers = Слишком много менеджеров в одном переводе.
err-split-too-big = За одно разделение — не больше { $limit } смен ролей и { $limit } переводов клиентов.
err-split-empty = Укажите, кто с сегодняшнего дня получает какую роль или чьи клиенты к кому переходят.
err-no-such-person = Такого сотрудника нет.
err-split-role = При разделении можно назначить только роли: менеджер по звонкам, МПП, клиентский менеджер или универсальный менеджер.

## Portfolios (conveyor/portfolios.rs)
err-move-too-many-clients = За один раз можно перевести не больше { $max } клиентов — разбейте список.
err-move-nothing = Выберите клиентов для перевода или менеджера, чьих клиентов переводите.
err-not-client-manager-today = { $name } сегодня не клиентский менеджер.

## Split presets
err-split-preset = Шаблон — «универсальный», «смешанный» или «конвейер».
err-not-date = «{ $value }» — не дата. Запишите дату как ГГГГ-ММ-ДД, например 2026-12-07.

## Payroll (payroll/*.rs)
err-not-month = «{ $value }» — не месяц. Запишите месяц как ГГГГ-ММ, например 2026-12.
err-register-format = Формата реестра «{ $value }» нет: выберите CSV или XLSX.
err-statement-unreadable = Сохранённый расчётный лист { $id } не читается ({ $error }). Сообщите администратору.
err-period-not-ended = Период { $period } ещё не закончился: до { $end } он открыт и считается на лету.
err-period-frozen = Период { $period } уже { $status } и заморожен: более поздние изменения попадут в следующий открытый период.
err-statement-unwritable = Не удалось сохранить расчётный лист: { $error }.
err-statement-bad-json = Не удалось сохранить расчётный лист: { $error }.
err-approve-without-region = Утверждать расчёт может только руководитель с указанным регионом. Попросите администратора указать ваш регион.
err-period-open-calculate = Период { $period } ещё открыт: сначала рассчитайте его.
err-approve-not-calculated = Период { $period } в статусе «{ $status }»; утвердить можно только рассчитанный период.
err-approve-in-order = Сначала утвердите { $prev }: периоды утверждаются по порядку.
err-period-data-changed = Данные за { $period } изменились после расчёта. Рассчитайте период заново и проверьте перед утверждением.
err-period-open-approve = Период { $period } ещё открыт: сначала рассчитайте и утвердите его.
err-pay-not-approved = Период { $period } в статусе «{ $status }»; выплатить можно только утверждённый период.
err-plan-status = Статуса схемы «{ $value }» нет: выберите «действует» или «черновик».
err-no-employee = Сотрудник «{ $who }» не найден: укажите логин или идентификатор.
err-register-write = Не удалось сформировать реестр выплат: { $error }.

## What-if: replay and structure (whatif/*.rs)
err-range-reversed = Месяц «{ $to }» раньше, чем «{ $from }»: укажите период от раннего месяца к позднему.
err-replay-too-long = За один пересчёт — не больше { $max ->
        [one] { $max } месяца
       *[other] { $max } месяцев
    }.
err-range-past-calendar = Период выходит за пределы календаря.
err-simulation = Моделирование невозможно: { $error }
err-scenario-format = «{ $value }» — не сценарий. Запишите, например, universal:3 (универсальные менеджеры), conveyor:2,2,1 (менеджеры по звонкам, МПП, клиентские менеджеры), hybrid:2,3 (менеджеры по звонкам, универсальные менеджеры) или mix:1,1,1,2.
err-scenarios-required = Укажите хотя бы один сценарий; первый служит базой для сравнения.
err-history-months = Укажите от 1 до { $max } месяцев истории.
err-sim-preset = Набора параметров «{ $name }» нет: выберите brief7 или brief7_whole_clients.
err-preset-or-history = Выберите либо готовый набор параметров, либо историю — не то и другое сразу.
err-history-estimates-missing = Нет оценок по истории: сначала посчитайте их.

## Reports and alerts (insight/*.rs)
err-dso-days = { $days } — не подходит: укажите число дней от 1 до 3660.
err-alert-key = «{ $key }» — не ключ сигнала. Выберите сигнал из списка.
err-alert-key-person = В ключе «{ $key }» указан неизвестный сотрудник. Выберите сигнал из списка.
err-out-of-range = { $value } — вне допустимых пределов: укажите целое число от 1 до { $max }.
err-alert-rules-unwritable = Не удалось сохранить правила сигналов: { $error }.
err-alert-records-unwritable = Не удалось записать сигнал: { $error }.
err-alert-rules-unreadable = Сохранённые правила сигналов не читаются ({ $error }). Сообщите администратору.
err-cost-kind-required = Укажите, на что потрачены деньги: телефония, базы, реклама…
err-amount-zero = Сумма равна нулю.
err-region-code-required = Укажите код региона.
err-costs-too-long = Отчёт охватывает не больше { $years ->
        [one] { $years } года
       *[other] { $years } лет
    }: сузьте период.
err-revenue-months = { $n } — не подходит: укажите число месяцев от 1 до 36.
err-month-out-of-range = Месяц вне допустимых пределов.
err-no-login = Сотрудника с логином «{ $login }» нет.
err-matrix = Матрицу пар построить не удалось: { $error }
err-period-reversed = Период заканчивается ({ $to }) раньше, чем начинается ({ $from }). Проверьте даты.
err-no-region = Региона с кодом «{ $code }» нет.
err-reports-other-region = Отчёты других регионов вам недоступны — только своего.
err-retention-months = { $n } — не подходит: укажите число месяцев от 1 до 60.

## Logins (auth.rs), settings (lib.rs), demo (demo.rs)
err-password-hash = Не удалось обработать пароль: { $error }.
err-password-too-short = Пароль должен быть не короче 6 символов.
err-current-password-wrong = Текущий пароль введён неверно.
err-password-same = Новый пароль должен отличаться от текущего.
err-config-unreadable = Сохранённые настройки конвейера не читаются ({ $error }). Сообщите администратору.
err-demo-db-not-empty = В базе уже есть данные, а для демонстрации нужна пустая: укажите новый файл или параметр --db.
err-demo-checklist-accepted = Демонстрация нашла ошибку: лид с незаполненным чек-листом был принят.

## Import of a CSV bundle (bundle/*.rs)
why-not-one-of = значение «{ $value }» не из списка: { $valid }
why-date-canonical = запишите дату как { $date }
why-not-instant = «{ $value }» — не момент времени; запишите его в формате RFC 3339 UTC, например 2026-11-27T10:00:00.000000Z
why-instant-canonical = запишите момент времени как { $stamp }
why-not-integer = «{ $value }» — не целое число
why-number-negative = { $n }: число не может быть отрицательным
why-number-not-positive = { $n }: число должно быть больше нуля
why-amount-negative = { $amount }: сумма не может быть отрицательной
why-amount-not-positive = { $amount }: сумма должна быть больше нуля
why-not-bool = «{ $value }» — должно быть 1 или 0 (да или нет)
why-not-json = не разбирается как JSON: { $error }
why-phone-e164 = запишите телефон в международном формате: { $phone }
why-role-end-not-after-start = дата окончания { $to } не позже даты начала { $from }: дата окончания — первый день, когда роли уже нет
why-absence-reversed = отсутствие заканчивается ({ $to }) раньше, чем начинается ({ $from })
why-call-outcome-required = у звонка должен быть итог, один из: { $valid }
why-no-outcome-for-kind = «{ $outcome }» — у касания типа «{ $kind }» итога не бывает; оставьте поле пустым
why-payment-negative = сумма { $amount } отрицательная, а такой может быть только возврат с корректировочным счётом (credit_note_id)
why-ref-missing = «{ $value }» нет ни в файле { $target }.csv, ни в базе
why-key-repeated = { $label } «{ $key }» уже встречается в строке { $first }
why-key-taken = { $label } «{ $key }» в базе уже занят записью «{ $owner }»
key-regions = код региона
key-employees = логин
key-companies = ИНН+КПП
key-products = артикул
key-contracts = номер договора
key-invoices = номер счёта
key-targets = план (сотрудник, период, показатель)
err-bundle-write = Не удалось записать { $path }: { $error }
err-bundle-flush = Не удалось дописать файл выгрузки: { $error }
err-bundle-read = Не удалось прочитать { $path }: { $error }
err-bundle-create = Не удалось создать папку { $path }: { $error }
err-bundle-not-folder = { $path } — не папка с выгрузкой в CSV. Укажите папку с файлами выгрузки.
err-bundle-empty = В папке { $path } нет ни одного файла выгрузки ({ $first }.csv и других).
why-header-unreadable = заголовок файла не читается: { $error }
why-column-missing = в заголовке нет столбца «{ $column }»
why-column-unknown = неизвестный столбец «{ $column }»; ожидаются: { $expected }
why-not-csv = строка не разбирается как CSV: { $error }
why-id-repeated = идентификатор «{ $id }» уже встречается в строке { $first }
why-value = значение не подходит: { $error }
why-audit-seq-taken = место события в цепочке журнала уже занято другим событием в базе ({ $constraint }): связанные события журнала загружаются только в базу без журнала или с той же цепочкой
why-unique-in-db = строка повторяет уникальное значение, которое уже есть в базе ({ $constraint })

## Pages a role may not open (baton-web)
act-web-whatif = пользоваться инструментами «что если»
act-web-portfolio = вести портфель клиентов
act-web-finance = видеть счета и оплаты
act-web-incoming = получать тёплые лиды
act-web-deals = вести сделки
act-web-reports = смотреть отчёты отдела
act-web-staff = смотреть список сотрудников
act-web-settings = менять настройки конвейера
act-web-call-queue = работать с очередью звонков
act-web-log-calls = вносить звонки
act-web-caller-leads = вести лиды менеджера по звонкам
act-web-kickoffs = проводить встречи-знакомства с клиентами

err-web-region-id = Укажите регион (его id).
err-web-plan-text = Вставьте текст черновика плана или выберите сохранённую версию.
err-web-runs = «{ $value }»: укажите целое число прогонов от 1 до 20 000.
err-web-horizon = «{ $value }»: укажите горизонт в целых месяцах, от 1 до 120.
err-web-split-no-cm = После разделения никто не будет клиентским менеджером: сначала назначьте эту роль.
err-web-amount-empty = Укажите сумму, например 40 000,00.
err-web-amount-format = «{ $value }» — не сумма денег ({ $error }); запишите её как 40 000,00.
err-web-range-months = «{ $value }» вне допустимого: укажите целое число от 1 до 120.
act-web-see = видеть эту запись ({ $entity })

## The bank statement import (1CClientBankExchange)
bank-err-not-exchange = Строка { $line }: файл не начинается с 1CClientBankExchange — это не выписка в формате обмена с 1С.
bank-err-value = Строка { $line }: { $key } «{ $value }» — это не { $expected }.
bank-err-missing = Строка { $line }: в документе нет поля { $key }.
bank-err-unclosed = Строка { $line }: документ не закрыт строкой КонецДокумента.
bank-err-no-accounts = В выписке не указан ни один собственный счёт (РасчСчет).
bank-expect-encoding = Windows или DOS
bank-expect-date = дата (ДД.ММ.ГГГГ)
bank-expect-amount = сумма (рубли с точкой, например 15000.00)
bank-no-payer-inn = в документе нет ИНН плательщика
bank-unknown-inn = нет компании с ИНН { $inn }
bank-no-open-invoice = у компании с ИНН { $inn } нет открытых счетов
bank-several-invoices = подходят несколько счетов: { $invoices }
bank-invoice-paid = счёт { $invoice } уже оплачен
bank-more-than-outstanding = сумма { $amount } больше долга по счёту { $invoice } ({ $outstanding })
bank-no-invoice-of-amount = в назначении нет номера счёта, и ни один из открытых счетов ({ $open }) не на { $amount }
bank-payment-refused = { $message }

## The command line
cli-import-problems = { $n ->
        [one] В наборе { $n } ошибка
        [few] В наборе { $n } ошибки
       *[many] В наборе { $n } ошибок
    }; ничего не записано:
cli-import-problem = { $file }:{ $line }, колонка «{ $column }»: { $why }
act-manage-tasks = ставить задачи и напоминания
err-task-kind = Укажите, что за задача: перезвонить, встреча, отправить предложение или получить оплату.
err-task-outcome = Укажите, чем закончилась задача: done (сделано) или cancelled (отменено).
err-task-due = «{ $value }» — не дата и время. Запишите так: 08.12.2026 10:00 или 2026-12-08T10:00 (время компании).
err-task-due-past = Это время уже прошло. Выберите время позже текущего.
err-task-closed = Задача уже закрыта; поставьте новую, если нужно.

## Notifications and webhooks (issue 18)
act-manage-webhooks = управлять вебхуками и смотреть журнал доставки
act-read-notifications = читать и настраивать свои уведомления
err-email-invalid = «{ $value }» — не адрес электронной почты. Введите адрес вида name@company.ru.
err-lang-invalid = Язык «{ $value }» не поддерживается. Выберите ru или en.
err-event-kind-unknown = Нет такого события: «{ $value }». Возможные: lead.handed, lead.accepted, lead.rejected, lead.sla_soon, contract.signed, payment.recorded, client.handed_over, task.due, alert.raised, period.approved, period.paid, webhook.disabled.
err-webhook-url = Адрес вебхука «{ $value }» не подходит: { $why }.
webhook-url-scheme = нужен адрес, начинающийся с https:// или http://
webhook-url-form = в адресе нет хоста, есть пробелы или он длиннее 2000 знаков
webhook-url-credentials = логин и пароль в адресе не допускаются — используйте подпись запросов
webhook-url-private = это внутренний адрес (localhost, частная сеть); вебхуки отправляются только во внешние системы
crm-unreadable = Файл не читается: { $why }. Выгрузите его из CRM заново как CSV или XLSX.
crm-unknown-field = В файле сопоставления [columns] указано поле «{ $field }», такого нет. Возможные: kind, id, title, amount, stage, pipeline, responsible, created_by, created_at, closed_at, expected_on, loss_reason, company, inn, kpp, contact, first_name, last_name, position, phone, email, city, industry, source или skip.
crm-no-company-column = Нет колонки ни с компанией, ни с ИНН (заголовки: { $headers }). Назовите нужную колонку в [columns] файла сопоставления, например «"Клиент" = "company"».
crm-no-company = В строке нет компании: Baton работает с организациями, контакт или сделку без компании не к чему привязать.
crm-no-inn = У компании «{ $name }» нет ИНН ни в одной строке. Добавьте колонку ИНН в выгрузку (в amoCRM и Битрикс24 это поле компании или реквизит) или впишите его в файл.
crm-bad-date = «{ $value }» — это не дата. Ожидается ДД.ММ.ГГГГ, ДД.ММ.ГГГГ ЧЧ:ММ[:СС], ДД-ММ-ГГГГ ЧЧ:ММ:СС или ГГГГ-ММ-ДД.
crm-bad-stage-meaning = Для этапа «{ $stage }» в [stages] указано «{ $value }»; пишите open, won или lost.
crm-won-without-amount = Сделка выиграна, но бюджета нет: договор без суммы не подписать. Впишите бюджет сделки.
crm-unknown-user = Пользователь «{ $user }» не найден среди сотрудников Baton. Заведите сотрудника или впишите его логин в [users] файла сопоставления: «"{ $user }" = "логин"».
crm-no-responsible = У сделки нет ответственного: в Baton сделку ведёт менеджер по продажам. Заполните колонку «Ответственный».
crm-no-region = Для города «{ $city }» нет региона. Впишите код региона в [regions] файла сопоставления или укажите регион по умолчанию (--region).
crm-unknown-region = Региона с кодом «{ $region }» нет. Проверьте код (например, msk) — он виден в карточке сотрудника и в настройках регионов.
cli-crm-problems = { $n ->
        [one] Найдена { $n } проблема
        [few] Найдено { $n } проблемы
       *[other] Найдено { $n } проблем
    } (без --skip-problems ничего не записывается):
tel-bad-record = Запись звонка не читается: { $why }. Выгрузите журнал звонков из АТС заново.
