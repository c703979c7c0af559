//! The OpenAPI 3.1 document, generated from the route table and the Rust types: each route
//! names its query type (`IntoParams`), its body type and its answer type (`ToSchema`, derived
//! where the types are defined), and the errors it can give. Schemas come from utoipa; the
//! document around them is assembled here, so the route table stays the one place a route is
//! declared (the router is built from the same table).

use crate::{Mr, RouteDoc};
use axum::http::Method;
use serde_json::{Map, Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

/// Component schemas collected while the operations are built.
pub type Schemas = Vec<(String, RefOr<Schema>)>;
/// Registers a type's schemas and answers the schema to use in place.
pub type SchemaFn = fn(&mut Schemas) -> Value;

/// What a route takes and answers, beside its method and path.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub query: Option<fn() -> Vec<Parameter>>,
    /// The schema of `{id}` (default: a key of at most 64 characters).
    pub id: Option<SchemaFn>,
    pub body: Option<SchemaFn>,
    /// The success status and its schema (default 200 with any JSON).
    pub ok: Option<(u16, Option<SchemaFn>)>,
    /// A file answer instead of JSON: its media types.
    pub file: Option<&'static [&'static str]>,
    /// Error statuses beyond those every route of its kind gives.
    pub errors: Vec<u16>,
}

fn reference<T: ToSchema>(s: &mut Schemas) -> Value {
    let name = T::name().to_string();
    if !s.iter().any(|(n, _)| *n == name) {
        s.push((name.clone(), T::schema()));
        T::schemas(s);
    }
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn array<T: ToSchema>(s: &mut Schemas) -> Value {
    json!({ "type": "array", "items": reference::<T>(s) })
}

fn page<T: ToSchema>(s: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": array::<T>(s),
            "total": { "type": "integer", "minimum": 0 },
            "page": { "type": "integer", "minimum": 1 },
            "per_page": { "type": "integer", "minimum": 1, "maximum": 500 }
        }
    })
}

/// Declaring a route's types, in the route table: `r(…).body::<NewLead>().created::<LeadRow>()`.
pub(crate) trait Doc: Sized {
    fn with(self, f: impl FnOnce(&mut Spec)) -> Self;

    fn query<Q: IntoParams>(self) -> Self {
        self.with(|s| s.query = Some(|| Q::into_params(|| Some(ParameterIn::Query))))
    }
    fn id<T: ToSchema>(self) -> Self {
        self.with(|s| s.id = Some(reference::<T>))
    }
    fn body<T: ToSchema>(self) -> Self {
        self.with(|s| s.body = Some(reference::<T>))
    }
    fn body_schema(self, f: SchemaFn) -> Self {
        self.with(|s| s.body = Some(f))
    }
    fn ok<T: ToSchema>(self) -> Self {
        self.with(|s| s.ok = Some((200, Some(reference::<T>))))
    }
    fn created<T: ToSchema>(self) -> Self {
        self.with(|s| s.ok = Some((201, Some(reference::<T>))))
    }
    fn list<T: ToSchema>(self) -> Self {
        self.with(|s| s.ok = Some((200, Some(array::<T>))))
    }
    fn page<T: ToSchema>(self) -> Self {
        self.with(|s| s.ok = Some((200, Some(page::<T>))))
    }
    fn no_content(self) -> Self {
        self.with(|s| s.ok = Some((204, None)))
    }
    fn any(self, f: SchemaFn) -> Self {
        self.with(|s| s.ok = Some((200, Some(f))))
    }
    fn file(self, media: &'static [&'static str]) -> Self {
        self.with(|s| s.file = Some(media))
    }
    fn errors(self, statuses: &[u16]) -> Self {
        self.with(|s| s.errors.extend_from_slice(statuses))
    }
}

impl Doc for (RouteDoc, Mr) {
    fn with(mut self, f: impl FnOnce(&mut Spec)) -> Self {
        f(&mut self.0.spec);
        self
    }
}

/// An object whose shape is documented in prose (reports, simulations): any JSON object.
pub(crate) fn object(_: &mut Schemas) -> Value {
    json!({ "type": "object" })
}

/// A list of such objects.
pub(crate) fn objects(_: &mut Schemas) -> Value {
    json!({ "type": "array", "items": { "type": "object" } })
}

/// Such an object, or null when there is nothing (a person with no statement).
pub(crate) fn object_or_null(_: &mut Schemas) -> Value {
    json!({ "type": ["object", "null"] })
}

/// `POST /api/simulate/structure` (its Rust type takes untagged scenario objects and plan
/// tables, which are documented in docs/simulator.md): the preset and text forms, with the run
/// counts bounded so that a request stays a few seconds.
pub(crate) fn structure_request(_: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "preset": { "enum": ["brief7", "brief7_whole_clients"] },
            "from_history": { "type": "boolean" },
            "history_months": { "type": "integer", "minimum": 1, "maximum": 36 },
            "scenarios": { "type": "array", "maxItems": 3, "items": { "type": "string", "pattern": "^(universal:[1-5]|conveyor:[1-5],[1-5],[0-3])$" } },
            "settings": { "type": "object", "additionalProperties": false, "properties": {
                "runs": { "type": "integer", "minimum": 1, "maximum": 20 },
                "horizon_months": { "type": "integer", "minimum": 1, "maximum": 12 },
                "seed": { "type": "integer", "minimum": 0, "maximum": 1000000 }
            } },
            "sensitivity": { "type": "boolean" },
            "recommend": { "type": "boolean" },
            "side_runs": { "type": "integer", "minimum": 1, "maximum": 20 }
        }
    })
}

fn error_text(status: u16) -> &'static str {
    match status {
        400 => "An unreadable Authorization header or session cookie (bad_header)",
        401 => "Not logged in, or the token expired (unauthenticated, bad_credentials)",
        403 => {
            "The role may not do this, or a write from another site (forbidden, not_yours, csrf)"
        }
        404 => "The record does not exist or the person may not see it (not_found)",
        409 => {
            "The record is in another state, or changed at the same moment (wrong_stage, wrong_state, conflict, duplicate_company, company_claimed)"
        }
        413 => "The body is larger than the limit",
        422 => "A value is wrong: field names it; JSON syntax errors carry line and column",
        429 => "Too many failed logins; Retry-After says when to try again",
        _ => "Error",
    }
}

fn operation(doc: &RouteDoc, schemas: &mut Schemas) -> Value {
    let spec = &doc.spec;
    let mut params: Vec<Value> = Vec::new();
    let mut errors: Vec<u16> = spec.errors.clone();
    for name in doc
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    {
        let schema = match spec.id {
            Some(f) => f(schemas),
            None => json!({ "type": "string", "minLength": 1, "maxLength": 64 }),
        };
        params.push(json!({ "name": name, "in": "path", "required": true, "schema": schema }));
        errors.push(404);
    }
    if let Some(q) = spec.query {
        for p in q() {
            params.push(serde_json::to_value(p).unwrap_or(Value::Null));
        }
        errors.push(422);
    }
    let mut op = json!({
        "tags": [doc.tag],
        "summary": doc.summary,
        "operationId": format!("{}_{}", doc.method.as_str().to_lowercase(), doc.path.trim_start_matches("/api/").replace(['/', '{', '}', '-', '.'], "_")),
        "parameters": params,
    });
    if let Some(b) = spec.body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": b(schemas) } } });
        errors.extend([413, 422]);
    }
    if !doc.public {
        errors.extend([400, 401, 403]);
        if doc.method != Method::GET {
            // A write names records (404), meets their state (409) and the rules (422).
            errors.extend([404, 409, 422]);
        }
    }
    let mut responses = Map::new();
    let (status, schema) = spec.ok.unwrap_or((200, Some(object)));
    let ok = match (spec.file, schema) {
        (Some(media), _) => {
            let content: Map<String, Value> = media
                .iter()
                .map(|m| {
                    (
                        m.to_string(),
                        json!({ "schema": { "type": "string", "contentMediaType": m } }),
                    )
                })
                .collect();
            json!({ "description": "The file", "content": content })
        }
        (None, Some(f)) => {
            json!({ "description": "OK", "content": { "application/json": { "schema": f(schemas) } } })
        }
        (None, None) => json!({ "description": "Done, nothing to answer" }),
    };
    responses.insert(status.to_string(), ok);
    errors.sort_unstable();
    errors.dedup();
    for e in errors {
        responses.insert(
            e.to_string(),
            json!({ "description": error_text(e), "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    op["responses"] = Value::Object(responses);
    if doc.public {
        op["security"] = json!([]);
    }
    op
}

/// The OpenAPI 3.1 document of the JSON API.
pub fn document() -> Value {
    let mut paths = Map::new();
    let mut schemas: Schemas = Vec::new();
    for (doc, _) in crate::routes() {
        let op = operation(&doc, &mut schemas);
        let entry = paths
            .entry(doc.path.to_string())
            .or_insert_with(|| json!({}));
        entry[doc.method.as_str().to_lowercase()] = op;
    }
    // Query parameters refer to these by name (`IntoParams` does not collect them).
    for f in [
        reference::<baton_domain::schema::Month>,
        reference::<baton_domain::schema::Date>,
        reference::<baton_domain::LeadSource>,
        reference::<baton_domain::LeadStage>,
        reference::<crate::api::CompanySort>,
        reference::<crate::api::CompanyStatus>,
        reference::<crate::api::LeadSort>,
        reference::<crate::api::RegisterFormat>,
        reference::<crate::insight::OpenFlag>,
        reference::<baton_app::conveyor::split_presets::Preset>,
        reference::<baton_domain::schema::TaskStatus>,
    ] {
        f(&mut schemas);
    }
    let mut components = Map::new();
    for (name, schema) in schemas {
        components.insert(name, serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    components.insert(
        "Error".into(),
        json!({ "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
            "code": { "type": "string" }, "message": { "type": "string" }, "field": { "type": "string" },
            "line": { "type": "integer", "minimum": 0 }, "column": { "type": "integer", "minimum": 0 }, "details": {} } } } }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Baton API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "The conveyor sales department: leads, handoffs, clients and money. Log in with POST /api/auth/login and send Authorization: Bearer <token>." },
        "paths": paths,
        "security": [{ "bearer": [] }, { "cookie": [] }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": crate::extract::SESSION_COOKIE }
            },
            "schemas": components
        }
    })
}
