//! «Импорт из CRM» (issue 17 §6), for directors and admins: upload an amoCRM, Bitrix24 or
//! spreadsheet export, read the check (what Baton understood, every problem to the cell, what
//! would be created), correct the mapping, then import. The same use case as
//! `baton import --preset` (docs/import.md).

use super::shell::{PageResult, Viewer, or_fail, page, respond, run};
use crate::AppState;
use axum::Router;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::routing::get;
use baton_app::crm::mapping::{Mapping, Preset, StageMeaning};
use baton_app::crm::{CrmFile, CrmImport, CrmReport};
use baton_app::rights::{Action, require};
use baton_app::telephony::cdr::Provider;
use baton_app::telephony::{CallImport, CallsReport};
use baton_catalog::Lang;
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The largest upload: an amoCRM export of 100 000 deals is about 40 MB of CSV.
pub const UPLOAD_MAX: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/settings/import",
        get(import_page)
            .post(check_or_import)
            .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_MAX)),
    )
}

/// Files uploaded for a check, kept so that the import after it needs no second upload: by
/// a random token, for the person who uploaded them, for an hour. In this process's memory:
/// behind a proxy with several servers, the check and the import must reach the same server
/// (sticky sessions), or the CLI is the way (docs/import.md).
#[derive(Default)]
pub struct Uploads(Mutex<HashMap<String, Upload>>);

struct Upload {
    owner: String,
    files: Vec<(String, Vec<u8>)>,
    at: Instant,
}

const KEEP: Duration = Duration::from_secs(3600);
const MAX_KEPT: usize = 16;

impl Uploads {
    fn keep(&self, owner: &str, token: String, files: Vec<(String, Vec<u8>)>) {
        if let Ok(mut m) = self.0.lock() {
            m.retain(|_, u| u.at.elapsed() < KEEP);
            while m.len() >= MAX_KEPT {
                let Some(oldest) = m.iter().min_by_key(|(_, u)| u.at).map(|(k, _)| k.clone())
                else {
                    break;
                };
                m.remove(&oldest);
            }
            m.insert(
                token,
                Upload {
                    owner: owner.into(),
                    files,
                    at: Instant::now(),
                },
            );
        }
    }

    fn take(&self, owner: &str, token: &str) -> Option<Vec<(String, Vec<u8>)>> {
        let m = self.0.lock().ok()?;
        m.get(token)
            .filter(|u| u.owner == owner && u.at.elapsed() < KEEP)
            .map(|u| u.files.clone())
    }
}

/// What the form sent.
#[derive(Default)]
struct Sent {
    files: Vec<(String, Vec<u8>)>,
    upload: Option<String>,
    preset: String,
    region: String,
    mapping: String,
    skip: bool,
    import: bool,
}

async fn read_form(req: Request) -> Result<Sent, String> {
    let mut m = Multipart::from_request(req, &())
        .await
        .map_err(|e| e.body_text())?;
    let mut sent = Sent::default();
    while let Some(field) = m.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| e.body_text())?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "files" => {
                if let Some(f) = file_name.filter(|f| !f.is_empty())
                    && !bytes.is_empty()
                {
                    // Only the base name: a browser may send a path, and the name is shown.
                    let base = f.rsplit(['/', '\\']).next().unwrap_or(&f).to_string();
                    sent.files.push((base, bytes.to_vec()));
                }
            }
            "upload" => sent.upload = Some(text()).filter(|t| !t.is_empty() && t.len() <= 64),
            "preset" => sent.preset = text(),
            "region" => sent.region = text(),
            "mapping" => sent.mapping = String::from_utf8_lossy(&bytes).into_owned(),
            "skip_problems" => sent.skip = !text().is_empty(),
            "action" => sent.import = text() == "import",
            _ => {}
        }
    }
    Ok(sent)
}

async fn import_page(State(s): State<AppState>, v: Viewer) -> PageResult {
    let actor = v.actor.clone();
    let regions = or_fail(
        v.lang,
        run(&s, move |app| {
            require(&actor, Action::ExportImport)?;
            app.regions()
        })
        .await,
    )?;
    let form = Shown {
        preset: "amocrm".into(),
        ..Shown::default()
    };
    Ok(respond(page(
        &v,
        v.lang.tr("page-import"),
        body(&v, &regions, &form, None, None),
    )))
}

/// What the form shows again after a check.
#[derive(Default)]
struct Shown {
    upload: Option<String>,
    names: Vec<String>,
    preset: String,
    region: String,
    mapping: String,
    skip: bool,
}

async fn check_or_import(State(s): State<AppState>, v: Viewer, req: Request) -> PageResult {
    let l = v.lang;
    // The right first: nobody without it gets as far as uploading.
    let actor = v.actor.clone();
    let regions = or_fail(
        l,
        run(&s, move |app| {
            require(&actor, Action::ExportImport)?;
            app.regions()
        })
        .await,
    )?;
    let sent = match read_form(req).await {
        Ok(x) => x,
        Err(e) => {
            let shown = Shown::default();
            return Ok(respond(page(
                &v,
                l.tr("page-import"),
                body(&v, &regions, &shown, None, Some(e)),
            )));
        }
    };
    let uploads = &s.web.uploads;
    let (files, token) = if !sent.files.is_empty() {
        let mut raw = [0u8; 16];
        s.app.ids.bytes(&mut raw);
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        uploads.keep(&v.actor.id, token.clone(), sent.files.clone());
        (Some(sent.files), Some(token))
    } else {
        let t = sent.upload.clone();
        (t.as_deref().and_then(|t| uploads.take(&v.actor.id, t)), t)
    };
    let mut shown = Shown {
        upload: token,
        names: Vec::new(),
        preset: sent.preset.clone(),
        region: sent.region.clone(),
        mapping: sent.mapping.clone(),
        skip: sent.skip,
    };
    let Some(files) = files else {
        shown.upload = None;
        let e = l.tr("page-import-no-files").to_string();
        return Ok(respond(page(
            &v,
            l.tr("page-import"),
            body(&v, &regions, &shown, None, Some(e)),
        )));
    };
    shown.names = files.iter().map(|f| f.0.clone()).collect();
    let mapping = match Mapping::parse(&sent.mapping) {
        Ok(m) => m,
        Err(e) => {
            let e = format!("{}: {e}", l.tr("page-import-mapping-bad"));
            return Ok(respond(page(
                &v,
                l.tr("page-import"),
                body(&v, &regions, &shown, None, Some(e)),
            )));
        }
    };
    if let Some(provider) = Provider::parse(&sent.preset) {
        let actor = v.actor.clone();
        let opts = CallImport {
            provider,
            users: mapping.users,
            dry_run: !sent.import,
            skip_problems: sent.skip,
        };
        let reports = or_fail(
            l,
            run(&s, move |app| {
                files
                    .iter()
                    .map(|(name, bytes)| app.import_calls(&actor, name, bytes, &opts))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await,
        )?;
        let shown_body = html! {
            @for r in &reports { (calls_view(l, r)) }
            (body(&v, &regions, &shown, None, None))
        };
        return Ok(respond(page(&v, l.tr("page-import"), shown_body)));
    }
    let opts = CrmImport {
        preset: Preset::parse(&sent.preset).unwrap_or(Preset::Sheet),
        mapping,
        dry_run: !sent.import,
        region: Some(sent.region.clone()).filter(|r| !r.is_empty()),
        skip_problems: sent.skip,
    };
    let actor = v.actor.clone();
    let report = or_fail(
        l,
        run(&s, move |app| {
            let files: Vec<CrmFile> = files
                .into_iter()
                .map(|(name, bytes)| CrmFile { name, bytes })
                .collect();
            app.import_crm(&actor, &files, &opts)
        })
        .await,
    )?;
    if shown.mapping.trim().is_empty() {
        shown.mapping = report.suggested_mapping.clone();
    }
    Ok(respond(page(
        &v,
        l.tr("page-import"),
        body(&v, &regions, &shown, Some(&report), None),
    )))
}

fn stage_word(l: Lang, m: StageMeaning) -> &'static str {
    match m {
        StageMeaning::Open => l.tr("page-import-stage-open"),
        StageMeaning::Won => l.tr("page-import-stage-won"),
        StageMeaning::Lost => l.tr("page-import-stage-lost"),
    }
}

fn body(
    v: &Viewer,
    regions: &[baton_store::records::Region],
    f: &Shown,
    report: Option<&CrmReport>,
    error: Option<String>,
) -> Markup {
    let l = v.lang;
    html! {
        @if let Some(e) = &error { p.error role="alert" id="import-error" { (e) } }
        p.explain { (l.tr("page-import-explain")) }
        @if let Some(r) = report { (report_view(l, r)) }
        form.stack method="post" action="/settings/import" enctype="multipart/form-data" id="import-form" {
            @if let Some(t) = &f.upload {
                input type="hidden" name="upload" value=(t);
                p id="import-uploaded" { (l.tr("page-import-uploaded")) ": " b { (f.names.join(", ")) } }
            }
            label { (if f.upload.is_some() { l.tr("page-import-other-files") } else { l.tr("page-import-files") }) " "
                input type="file" name="files" id="import-files" multiple accept=".csv,.txt,.xlsx,.xls,.htm,.html";
            }
            label { (l.tr("page-import-preset")) " "
                select name="preset" id="import-preset" {
                    @for (code, word) in [("amocrm", "amoCRM / Kommo"), ("bitrix24", l.tr("page-import-bitrix")), ("sheet", l.tr("page-import-sheet")), ("mango", l.tr("page-import-mango")), ("zadarma", l.tr("page-import-zadarma")), ("uis", l.tr("page-import-uis"))] {
                        option value=(code) selected[f.preset == code] { (word) }
                    }
                }
            }
            label { (l.tr("page-import-region")) " "
                select name="region" id="import-region" {
                    option value="" { (l.tr("page-import-region-mine")) }
                    @for r in regions {
                        option value=(r.code) selected[f.region == r.code] { (r.name) " (" (r.code) ")" }
                    }
                }
            }
            label { (l.tr("page-import-mapping")) " "
                textarea name="mapping" id="import-mapping" rows="12" spellcheck="false" { (f.mapping) }
            }
            label.check { input type="checkbox" name="skip_problems" value="1" id="import-skip" checked[f.skip]; " " (l.tr("page-import-skip")) }
            div {
                button type="submit" name="action" value="check" id="import-check" { (l.tr("page-import-check")) }
                " "
                @if f.upload.is_some() {
                    button.secondary type="submit" name="action" value="import" id="import-go" { (l.tr("page-import-go")) }
                }
            }
        }
    }
}

fn calls_view(l: Lang, r: &CallsReport) -> Markup {
    html! {
        section.calls-report data-written=(r.written) {
            @if r.written {
                p.ok role="status" { (l.tr("page-import-done")) }
            } @else if r.dry_run {
                p.muted { (l.tr("page-import-dry")) }
            } @else {
                p.error role="alert" { (l.tr("page-import-stopped")) }
            }
            div.scroll { table {
                tbody {
                    tr { th { (l.tr("page-calls-read")) } td.num { (r.read) } }
                    tr { th { (l.tr("page-calls-logged")) } td.num.calls-logged { (r.logged) } }
                    tr { th { (l.tr("page-calls-answered")) } td.num { (r.answered) " · " (r.talk_sec / 60) " " (l.tr("page-calls-min")) } }
                    tr { th { (l.tr("page-calls-existing")) } td.num { (r.existing) } }
                }
            } }
            @if !r.unmatched.is_empty() {
                h2 { (l.tr("page-calls-unmatched")) }
                div.scroll { table {
                    tbody { @for u in &r.unmatched { tr { td { (u.phone) } td.num { (u.calls) } td { (super::shell::date_str(&u.first)) } } } }
                } }
            }
            @if !r.unknown_employees.is_empty() {
                h2 { (l.tr("page-calls-unknown-ext")) }
                div.scroll { table {
                    tbody { @for (e, n) in &r.unknown_employees { tr { td { (e) } td.num { (n) } } } }
                } }
            }
            @if !r.problems.is_empty() {
                h2 { (l.tr("page-import-problems")) " " span.badge { (r.problems.len()) } }
                div.scroll { table {
                    thead { tr { th { (l.tr("page-import-file")) } th { (l.tr("page-import-line")) } th { (l.tr("page-import-column")) } th { (l.tr("page-import-why")) } } }
                    tbody { @for p in &r.problems { tr { td { (p.file) } td.num { (p.line) } td { (p.column) } td { (p.why.render(l)) } } } }
                } }
            }
        }
    }
}

fn report_view(l: Lang, r: &CrmReport) -> Markup {
    html! {
        section id="import-report" data-written=(r.written) {
            @if r.written {
                p.ok role="status" id="import-done" { (l.tr("page-import-done")) }
            } @else if r.dry_run {
                p.muted id="import-dry" { (l.tr("page-import-dry")) }
            } @else {
                p.error role="alert" id="import-stopped" { (l.tr("page-import-stopped")) }
            }
            div.scroll { table id="import-counts" {
                tbody {
                    tr { th { (l.tr("page-import-companies-new")) } td.num id="n-companies" { (r.companies_created) } }
                    tr { th { (l.tr("page-import-companies-existing")) } td.num { (r.companies_existing) } }
                    tr { th { (l.tr("page-import-contacts")) } td.num id="n-contacts" { (r.contacts_created) } }
                    tr { th { (l.tr("page-import-deals")) } td.num id="n-deals" { (r.deals_created) } }
                    tr { th { (l.tr("page-import-won")) } td.num id="n-won" { (r.deals_won) " · " (r.won_amount.to_human()) } }
                    tr { th { (l.tr("page-import-lost")) } td.num { (r.deals_lost) } }
                    tr { th { (l.tr("page-import-open")) } td.num { (r.deals_open) } }
                    tr { th { (l.tr("page-import-deals-existing")) } td.num { (r.deals_existing) } }
                }
            } }
            @if !r.problems.is_empty() {
                h2 { (l.tr("page-import-problems")) " " span.badge id="n-problems" { (r.problems.len()) } }
                div.scroll { table id="import-problems" {
                    thead { tr { th { (l.tr("page-import-file")) } th { (l.tr("page-import-line")) } th { (l.tr("page-import-column")) } th { (l.tr("page-import-why")) } } }
                    tbody {
                        @for p in &r.problems {
                            tr { td { (p.file) } td.num { (p.line) } td { (p.column) } td { (p.why.render(l)) } }
                        }
                    }
                } }
            }
            h2 { (l.tr("page-import-understood")) }
            @for f in &r.files {
                div.card {
                    p { b { (f.name) } " · " (if f.kind == "deals" { l.tr("page-import-kind-deals") } else { l.tr("page-import-kind-companies") }) " · " (f.rows) }
                    p.muted {
                        @for (i, (k, v)) in f.columns.iter().enumerate() {
                            @if i > 0 { ", " }
                            (v) " → " (baton_catalog::Text::new(format!("crm-field-{}", k.replace('_', "-"))).render(l)) " " code { (k) }
                        }
                    }
                    @if !f.ignored.is_empty() { p.muted { (l.tr("page-import-ignored")) ": " (f.ignored.join(", ")) } }
                }
            }
            @if !r.users.is_empty() || !r.stages.is_empty() {
                div.scroll { table id="import-mapped" {
                    tbody {
                        @for (u, login) in &r.users {
                            tr { th { (l.tr("page-import-user")) } td { (u) } td { @match login { Some(x) => (x), None => span.error { (l.tr("page-import-nobody")) } } } }
                        }
                        @for (c, code) in &r.regions {
                            tr { th { (l.tr("page-import-city")) } td { (c) } td { (code.as_deref().unwrap_or("—")) } }
                        }
                        @for (s, m) in &r.stages {
                            tr { th { (l.tr("page-import-stage")) } td { (s) } td { (stage_word(l, *m)) } }
                        }
                    }
                } }
            }
        }
    }
}
