//! Call detail records as the cloud PBXs write them (research: import-formats.md §3), read
//! into one shape. Mango Office's `stats/result` CSV (`;`, no header, the requested fields in
//! order, unix times), Zadarma/Novofon's `statistics/pbx` (JSON as the API answers, or CSV
//! with its field names), UIS/CoMagic's `calls_report` (JSON-RPC answer, or CSV).

use crate::crm::table;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Mango,
    Zadarma,
    Uis,
}

impl Provider {
    pub fn parse(s: &str) -> Option<Provider> {
        match s.trim().to_lowercase().as_str() {
            "mango" | "mango_office" => Some(Provider::Mango),
            "zadarma" | "novofon" => Some(Provider::Zadarma),
            "uis" | "comagic" | "callgear" => Some(Provider::Uis),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Provider::Mango => "mango",
            Provider::Zadarma => "zadarma",
            Provider::Uis => "uis",
        }
    }
}

/// When a call started: an instant (unix times, RFC 3339), or the PBX account's local time
/// (Zadarma's and UIS's `YYYY-MM-DD hh:mm:ss`), read in the company's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Utc(DateTime<Utc>),
    Local(NaiveDateTime),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cdr {
    /// The provider's id of the call (Mango `entry_id`, Zadarma `pbx_call_id`, UIS `id`).
    pub id: String,
    pub started: When,
    pub outgoing: bool,
    /// The client's number as the PBX wrote it.
    pub client: String,
    /// The employee's side: extension, SIP login or the PBX's employee id or name.
    pub employee: String,
    /// Seconds of conversation (0: not answered).
    pub talk_sec: i64,
    /// Where it was read, for problems.
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

fn problem(line: u64, column: &str, message: impl Into<String>) -> CdrProblem {
    CdrProblem {
        line,
        column: column.into(),
        message: message.into(),
    }
}

/// Mango's fields in the order `stats/request` asks for them by default.
pub const MANGO_FIELDS: [&str; 12] = [
    "records",
    "start",
    "finish",
    "answer",
    "from_extension",
    "from_number",
    "to_extension",
    "to_number",
    "disconnect_reason",
    "line_number",
    "location",
    "entry_id",
];

pub fn read(provider: Provider, bytes: &[u8]) -> (Vec<Cdr>, Vec<CdrProblem>) {
    let text = table::decode(bytes);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(v) => from_json(provider, &v),
            Err(e) => (
                vec![],
                vec![problem(e.line() as u64, "", format!("not JSON: {e}"))],
            ),
        };
    }
    let rows = match table::read(text.as_bytes()) {
        Ok((t, _)) => t,
        Err(e) => return (vec![], vec![problem(0, "", e.to_string())]),
    };
    // A headerless Mango file: its first row is data, read with the default field order.
    let mut headers: Vec<String> = rows
        .headers
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut data: Vec<(u64, Vec<String>)> = rows.lines.iter().copied().zip(rows.rows).collect();
    let known = |h: &str| {
        [
            "start",
            "entry_id",
            "call_id",
            "pbx_call_id",
            "callstart",
            "id",
            "start_time",
        ]
        .contains(&h)
    };
    if provider == Provider::Mango && !headers.iter().any(|h| known(h)) {
        data.insert(0, (rows.header_line, rows.headers.clone()));
        headers = MANGO_FIELDS.iter().map(|s| s.to_string()).collect();
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in data {
        let get = |name: &str| -> Option<String> {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        match record(provider, line, &get) {
            Ok(c) => out.push(c),
            Err(p) => problems.push(p),
        }
    }
    (out, problems)
}

fn from_json(provider: Provider, v: &Value) -> (Vec<Cdr>, Vec<CdrProblem>) {
    // The API's envelopes: Zadarma `{"stats": [...]}`, UIS `{"result": {"data": [...]}}`,
    // a bare array, or one call (a webhook's body).
    let list = v
        .get("stats")
        .or_else(|| v.get("result").and_then(|r| r.get("data")))
        .or_else(|| v.get("calls"))
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| v.as_array().cloned())
        .unwrap_or_else(|| vec![v.clone()]);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let get = |name: &str| -> Option<String> {
            match item.get(name)? {
                Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        match record(provider, i as u64 + 1, &get) {
            Ok(c) => out.push(c),
            Err(p) => problems.push(p),
        }
    }
    (out, problems)
}

fn unix(line: u64, column: &str, s: &str) -> Result<DateTime<Utc>, CdrProblem> {
    s.parse::<i64>()
        .ok()
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .ok_or_else(|| problem(line, column, format!("«{s}» is not a unix time")))
}

fn when(line: u64, column: &str, s: &str) -> Result<When, CdrProblem> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(When::Utc(t.with_timezone(&Utc)));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return unix(line, column, s).map(When::Utc);
    }
    crate::crm::plan::parse_when(s)
        .map(When::Local)
        .ok_or_else(|| problem(line, column, format!("«{s}» is not a date and time")))
}

fn seconds(line: u64, column: &str, s: Option<String>) -> Result<i64, CdrProblem> {
    match s {
        None => Ok(0),
        Some(s) => s
            .split('.')
            .next()
            .and_then(|x| x.parse::<i64>().ok())
            .filter(|x| (0..=86_400).contains(x))
            .ok_or_else(|| problem(line, column, format!("«{s}» is not a number of seconds"))),
    }
}

fn need(line: u64, name: &str, v: Option<String>) -> Result<String, CdrProblem> {
    v.ok_or_else(|| problem(line, name, format!("{name} is empty")))
}

fn record(
    provider: Provider,
    line: u64,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Cdr, CdrProblem> {
    match provider {
        Provider::Mango => {
            let id = need(line, "entry_id", get("entry_id"))?;
            let start = unix(line, "start", &need(line, "start", get("start"))?)?;
            let finish = get("finish")
                .map(|f| unix(line, "finish", &f))
                .transpose()?;
            let answer = match get("answer").filter(|a| a != "0") {
                Some(a) => Some(unix(line, "answer", &a)?),
                None => None,
            };
            let talk = match (answer, finish) {
                (Some(a), Some(f)) if f > a => (f - a).num_seconds(),
                _ => 0,
            };
            // A call from an extension is the employee's; otherwise the client called in.
            let outgoing = get("from_extension").is_some();
            let (employee, client) = if outgoing {
                (get("from_extension"), get("to_number"))
            } else {
                (get("to_extension"), get("from_number"))
            };
            Ok(Cdr {
                id,
                started: When::Utc(start),
                outgoing,
                client: need(
                    line,
                    if outgoing { "to_number" } else { "from_number" },
                    client,
                )?,
                employee: need(
                    line,
                    if outgoing {
                        "from_extension"
                    } else {
                        "to_extension"
                    },
                    employee,
                )?,
                talk_sec: talk,
                line,
            })
        }
        Provider::Zadarma => {
            let id = need(
                line,
                "pbx_call_id",
                get("pbx_call_id").or_else(|| get("call_id")),
            )?;
            let start = when(
                line,
                "callstart",
                &need(
                    line,
                    "callstart",
                    get("callstart").or_else(|| get("call_start")),
                )?,
            )?;
            let kind = get("call_type").unwrap_or_default();
            let outgoing = kind.starts_with("out");
            let answered = get("disposition").is_none_or(|d| d == "answered");
            let talk = if answered {
                seconds(line, "seconds", get("seconds"))?
            } else {
                0
            };
            let (client, employee) = if outgoing {
                (
                    get("destination"),
                    get("sip")
                        .or_else(|| get("internal"))
                        .or_else(|| get("clid")),
                )
            } else {
                (
                    get("clid").or_else(|| get("caller_id")),
                    get("sip")
                        .or_else(|| get("internal"))
                        .or_else(|| get("destination")),
                )
            };
            Ok(Cdr {
                id,
                started: start,
                outgoing,
                client: need(line, if outgoing { "destination" } else { "clid" }, client)?,
                employee: need(line, "sip", employee)?,
                talk_sec: talk,
                line,
            })
        }
        Provider::Uis => {
            let id = need(line, "id", get("id").or_else(|| get("call_session_id")))?;
            let start = when(
                line,
                "start_time",
                &need(line, "start_time", get("start_time"))?,
            )?;
            let outgoing = get("direction").is_some_and(|d| d == "out" || d == "outgoing");
            let talk = seconds(
                line,
                "talk_duration",
                get("talk_duration").or_else(|| get("duration")),
            )?;
            let client = get("contact_phone_number").or_else(|| {
                if outgoing {
                    get("called_phone_number")
                } else {
                    get("calling_phone_number")
                }
            });
            let employee = get("employee_id")
                .or_else(|| get("extension"))
                .or_else(|| get("employee_full_name"));
            Ok(Cdr {
                id,
                started: start,
                outgoing,
                client: need(line, "contact_phone_number", client)?,
                employee: need(line, "employee_id", employee)?,
                talk_sec: talk,
                line,
            })
        }
    }
}

/// The last 10 digits of a number: how calls are matched to contacts (a Russian number
/// without its country code, `8…` and `+7…` alike).
pub fn last10(phone: &str) -> Option<String> {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    (d.len() >= 10).then(|| d[d.len() - 10..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mango_headerless() {
        let f = ";1764921600;1764921700;1764921610;101;;;+74951112233;1100;74950000000;;MTA0NTk5\n\
                 ;1764921800;1764921830;0;;89161000001;102;;1110;74950000000;;MTA0NjAw\n";
        let (c, p) = read(Provider::Mango, f.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].id, "MTA0NTk5");
        assert!(c[0].outgoing);
        assert_eq!(
            (c[0].employee.as_str(), c[0].client.as_str(), c[0].talk_sec),
            ("101", "+74951112233", 90)
        );
        assert!(!c[1].outgoing);
        assert_eq!(
            (c[1].employee.as_str(), c[1].talk_sec, c[1].line),
            ("102", 0, 2)
        );
    }

    #[test]
    fn zadarma_json_and_uis_rpc() {
        let z = r#"{"status":"success","stats":[{"call_id":"1","pbx_call_id":"in_abc","callstart":"2026-12-01 10:00:00","call_type":"incoming","disposition":"answered","clid":"+7 (916) 100-00-01","destination":"74950000000","sip":"100","seconds":42}]}"#;
        let (c, p) = read(Provider::Zadarma, z.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            (c[0].id.as_str(), c[0].employee.as_str(), c[0].talk_sec),
            ("in_abc", "100", 42)
        );
        assert_eq!(last10(&c[0].client).as_deref(), Some("9161000001"));
        let u = r#"{"jsonrpc":"2.0","id":1,"result":{"data":[{"id":555,"start_time":"2026-12-01 11:00:00","direction":"out","talk_duration":65,"contact_phone_number":"74951112233","employee_id":"7"}]}}"#;
        let (c, p) = read(Provider::Uis, u.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            (c[0].id.as_str(), c[0].talk_sec, c[0].outgoing),
            ("555", 65, true)
        );
    }

    #[test]
    fn bad_cells_are_problems_with_their_line() {
        let f = "entry_id;start;finish;answer;from_extension;to_number\nX1;yesterday;;;101;+74951112233\n";
        let (c, p) = read(Provider::Mango, f.as_bytes());
        assert!(c.is_empty());
        assert_eq!((p[0].line, p[0].column.as_str()), (2, "start"));
    }
}
