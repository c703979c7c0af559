//! The top bar's search (issue 16 §6). Caller c1 makes «Ромашка» (ИНН 7707083893) with its
//! decision maker Пётр Иванов, +7 (903) 203-09-25; universal manager u1 wins «Лютик» and
//! invoices it. Every expected hit follows from those records; caller c2 sees none of c1's.

mod common;

use baton_app::conveyor::companies::{NewCompany, NewContact};
use common::{World, at, invoice, won_in};

#[test]
fn search_finds_by_phone_inn_name_surname_and_invoice() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-06-01T07:00:00Z", 180);
        let app = &w.app;
        let (c1, c2, u1) = (
            w.person("c1", "caller"),
            w.person("c2", "caller"),
            w.person("u1", "universal_manager"),
        );
        let romashka = app
            .create_company(
                &c1,
                NewCompany {
                    inn: "7707083893".into(),
                    name: "ООО «Ромашка»".into(),
                    contacts: vec![NewContact {
                        name: "Пётр Иванов".into(),
                        position: Some("директор".into()),
                        is_dm: true,
                        phone: Some("+7 (903) 203-09-25".into()),
                        email: None,
                    }],
                    ..Default::default()
                },
            )
            .unwrap()
            .company
            .id;
        let lutik = won_in(&w, "2026-06", &u1, "7736207543", "Лютик", "2026-06-10");
        at(&w.clock, "2026-06-15");
        let inv = invoice(app, &u1, &lutik, None, 5_000, "2026-06-30");
        let number = app
            .company_card(&w.admin, &lutik)
            .unwrap()
            .invoices
            .into_iter()
            .find(|i| i.id == inv)
            .unwrap()
            .number;

        let companies = |who, q: &str| -> Vec<String> {
            app.search(who, q)
                .unwrap()
                .companies
                .into_iter()
                .map(|c| c.id)
                .collect()
        };
        let contacts = |who, q: &str| -> Vec<String> {
            app.search(who, q)
                .unwrap()
                .contacts
                .into_iter()
                .map(|c| c.name)
                .collect()
        };
        for phone in [
            "+79032030925",
            "9032030925",
            "8 (903) 203-09-25",
            "+7 903 203 09 25",
        ] {
            assert_eq!(companies(&c1, phone), vec![romashka.clone()], "{phone}");
            assert_eq!(
                contacts(&c1, phone),
                vec!["Пётр Иванов".to_string()],
                "{phone}"
            );
            // Another caller does not see c1's company.
            assert!(app.search(&c2, phone).unwrap().is_empty(), "{phone}");
        }
        for surname in [
            "Иванов",
            "иванов",
            "ИВАНОВ",
            "иВАНОв",
            "Пётр",
            "ван",
            "тр Ив",
        ] {
            assert_eq!(
                contacts(&c1, surname),
                vec!["Пётр Иванов".to_string()],
                "{surname}"
            );
            // The director's search goes through the trigram index: the same hits.
            assert_eq!(
                contacts(&w.admin, surname),
                vec!["Пётр Иванов".to_string()],
                "{surname}"
            );
        }
        assert_eq!(companies(&c1, "7707083893"), vec![romashka.clone()]);
        assert_eq!(companies(&c1, "ромаш"), vec![romashka.clone()]);
        assert_eq!(companies(&c1, "Ромашка"), vec![romashka.clone()]);
        assert!(
            companies(&c1, "Лютик").is_empty(),
            "u1's client is not c1's"
        );
        // The director sees both; the invoice by its number; the leads of the companies found.
        let found = app.search(&w.admin, &number).unwrap();
        assert_eq!(
            found
                .invoices
                .iter()
                .map(|i| i.id.clone())
                .collect::<Vec<_>>(),
            vec![inv.clone()]
        );
        let found = app.search(&w.admin, "лютик").unwrap();
        assert_eq!(found.companies.len(), 1);
        assert_eq!(found.leads.len(), 1);
        assert_eq!(found.leads[0].stage, "won");
        // Colleagues by name; one character finds nothing.
        let people = app.search(&c1, "u1").unwrap().people;
        assert_eq!(
            people.iter().map(|p| p.login.as_str()).collect::<Vec<_>>(),
            ["u1"]
        );
        assert!(app.search(&c1, "и").unwrap().is_empty());
        // A part of an invoice number, in any case.
        let tail = &number[number.len() - 4..];
        let lower = number.to_lowercase();
        for part in [tail, lower.as_str()] {
            let found = app.search(&w.admin, part).unwrap();
            assert!(
                found.invoices.iter().any(|i| i.id == inv),
                "{part} finds {number}"
            );
        }
        // A renamed company is found by its new name only (the index follows the record).
        app.db
            .tx(|tx| {
                tx.exec(
                    "UPDATE companies SET name = 'Василёк', name_norm = 'василек' WHERE id = ?",
                    &[romashka.clone().into()],
                )
                .map(|_| ())
            })
            .unwrap();
        assert!(companies(&c1, "ромаш").is_empty());
        assert_eq!(companies(&c1, "Василек"), vec![romashka.clone()]);
        // LIKE's wildcards are taken literally.
        assert!(app.search(&c1, "%%").unwrap().companies.is_empty());
    }
}
