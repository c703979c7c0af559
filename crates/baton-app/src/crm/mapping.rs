//! The presets and the mapping file a user confirms and keeps (`--mapping M.toml`): which
//! column is which, who the source's users are in Baton, which region a city is, and what
//! each pipeline stage means.

use super::fields::{Columns, Field};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Amocrm,
    Bitrix24,
    Sheet,
}

impl Preset {
    pub fn parse(s: &str) -> Option<Preset> {
        match s.trim().to_lowercase().as_str() {
            "amocrm" | "amo" | "kommo" => Some(Preset::Amocrm),
            "bitrix24" | "bitrix" | "b24" => Some(Preset::Bitrix24),
            "sheet" | "xlsx" | "csv" | "excel" => Some(Preset::Sheet),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Preset::Amocrm => "amocrm",
            Preset::Bitrix24 => "bitrix24",
            Preset::Sheet => "sheet",
        }
    }
}

/// What a stage of the source's pipeline means in Baton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageMeaning {
    /// Still in work: the lead stays open with its sales manager.
    Open,
    /// Won: the contract is signed on the closing date for the deal's amount.
    Won,
    /// Lost: the lead is closed as lost with the loss reason.
    Lost,
}

impl StageMeaning {
    pub fn parse(s: &str) -> Option<StageMeaning> {
        match s.trim() {
            "open" | "in_work" => Some(StageMeaning::Open),
            "won" => Some(StageMeaning::Won),
            "lost" => Some(StageMeaning::Lost),
            _ => None,
        }
    }
}

/// The system stages each CRM ships with: amoCRM's 142 «Успешно реализовано» and 143
/// «Закрыто и не реализовано»; Bitrix24's WON/LOSE semantics and their Russian names.
pub fn system_stage(stage: &str) -> Option<StageMeaning> {
    let s = stage.trim().to_lowercase().replace('ё', "е");
    let code = s.rsplit(':').next().unwrap_or(&s);
    match code {
        "142"
        | "won"
        | "успешно реализовано"
        | "сделка успешна"
        | "успешна"
        | "выиграна"
        | "сделка заключена"
        | "успешно" => Some(StageMeaning::Won),
        "143"
        | "lose"
        | "lost"
        | "закрыто и не реализовано"
        | "сделка провалена"
        | "провалена"
        | "проиграна"
        | "отказ" => Some(StageMeaning::Lost),
        _ => None,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    /// Header → field code (`inn`, `company`, `phone` …), or `skip`.
    pub columns: BTreeMap<String, String>,
    /// The source's user (as in «Ответственный») → Baton login.
    pub users: BTreeMap<String, String>,
    /// City → region code.
    pub regions: BTreeMap<String, String>,
    /// Stage name → `open`, `won` or `lost`.
    pub stages: BTreeMap<String, String>,
}

impl Mapping {
    pub fn parse(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The mapping file Baton suggests for these headers and values: every recognized
    /// column, every user, city and stage seen, filled with what Baton would do; the user
    /// corrects it and passes it back with `--mapping`.
    pub fn suggest(
        headers: &[Vec<String>],
        cols: &[Columns],
        users: &BTreeMap<String, Option<String>>,
        regions: &BTreeMap<String, Option<String>>,
        stages: &BTreeMap<String, StageMeaning>,
    ) -> String {
        let mut out = String::from(
            "# Baton import mapping: correct what is wrong, then run the import with --mapping THIS_FILE\n\n[columns]\n",
        );
        // A header repeated (amoCRM repeats `Источник`; two files share `ИНН`) is one key:
        // its first column's meaning, which is the one the import uses.
        let mut seen = std::collections::BTreeSet::new();
        for (hs, c) in headers.iter().zip(cols) {
            for (i, h) in hs.iter().enumerate() {
                if !seen.insert(super::fields::norm(h)) {
                    continue;
                }
                let field =
                    c.of.iter()
                        .find(|(_, v)| v.contains(&i))
                        .map(|(f, _)| f.code())
                        .unwrap_or("skip");
                out.push_str(&format!("{} = \"{field}\"\n", quoted(h)));
            }
        }
        out.push_str("\n# The source's users → Baton logins\n[users]\n");
        for (u, login) in users {
            out.push_str(&format!(
                "{} = \"{}\"\n",
                quoted(u),
                login.as_deref().unwrap_or("")
            ));
        }
        out.push_str("\n# City → region code\n[regions]\n");
        for (c, r) in regions {
            out.push_str(&format!(
                "{} = \"{}\"\n",
                quoted(c),
                r.as_deref().unwrap_or("")
            ));
        }
        out.push_str("\n# Stage → open, won or lost\n[stages]\n");
        for (s, m) in stages {
            let m = match m {
                StageMeaning::Open => "open",
                StageMeaning::Won => "won",
                StageMeaning::Lost => "lost",
            };
            out.push_str(&format!("{} = \"{m}\"\n", quoted(s)));
        }
        out
    }

    /// What the stage means: the mapping's word, else the CRM's system stage, else open.
    pub fn stage(&self, stage: &str) -> Option<StageMeaning> {
        match self.stages.get(stage.trim()) {
            Some(m) => StageMeaning::parse(m),
            None => Some(system_stage(stage).unwrap_or(StageMeaning::Open)),
        }
    }
}

/// A TOML key, quoted and escaped (headers have spaces, quotes, Cyrillic).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A file with a deal's title or stage is a deals file; any other is companies and contacts.
pub fn is_deals(cols: &Columns) -> bool {
    cols.has(Field::Title) || cols.has(Field::Stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_stages() {
        assert_eq!(system_stage("Успешно реализовано"), Some(StageMeaning::Won));
        assert_eq!(system_stage("142"), Some(StageMeaning::Won));
        assert_eq!(system_stage("C3:WON"), Some(StageMeaning::Won));
        assert_eq!(
            system_stage("Закрыто и не реализовано"),
            Some(StageMeaning::Lost)
        );
        assert_eq!(system_stage("Сделка провалена"), Some(StageMeaning::Lost));
        assert_eq!(system_stage("Переговоры"), None);
    }

    #[test]
    fn a_suggested_mapping_reads_back() {
        let h = vec![
            vec![
                "ИНН".to_string(),
                "Странное \"поле\"".to_string(),
                "инн".to_string(),
            ],
            vec!["ИНН".to_string()],
        ];
        let c: Vec<Columns> = h
            .iter()
            .map(|h| Columns::of(h, &BTreeMap::new()).unwrap())
            .collect();
        let mut users = BTreeMap::new();
        users.insert("Анна Смирнова".to_string(), Some("um3.msk".to_string()));
        users.insert("Кто-то".to_string(), None);
        let mut stages = BTreeMap::new();
        stages.insert("Переговоры".to_string(), StageMeaning::Open);
        let text = Mapping::suggest(&h, &c, &users, &BTreeMap::new(), &stages);
        let m = Mapping::parse(&text).unwrap();
        assert_eq!(m.columns["ИНН"], "inn");
        assert_eq!(m.columns["Странное \"поле\""], "skip");
        assert_eq!(m.users["Анна Смирнова"], "um3.msk");
        assert_eq!(m.users["Кто-то"], "");
        assert_eq!(m.stage("Переговоры"), Some(StageMeaning::Open));
        assert_eq!(m.stage("Успешно реализовано"), Some(StageMeaning::Won));
        assert!(
            Mapping::parse("[colums]\n").is_err(),
            "a misspelt table is refused"
        );
    }
}
