//! One person's recorded absences (vacation, sick leave), for the people pages.

use crate::App;
use crate::error::AppResult;
use crate::rights::{Action, Actor, require_person};
use baton_store::Filter;
use baton_store::records::AbsenceRow;

impl App {
    /// The absences of `employee_id`, newest first: the person themself, or whoever may see
    /// the staff list.
    pub fn absences(&self, actor: &Actor, employee_id: &str) -> AppResult<Vec<AbsenceRow>> {
        let e = self.employee(employee_id)?;
        require_person(actor, Action::ReadPeople, &e.id, e.region_id.as_deref())?;
        self.db.read(|tx| {
            Ok(tx.list::<AbsenceRow>(
                &Filter::new()
                    .eq("employee_id", employee_id)
                    .order("from_date", true),
            )?)
        })
    }
}
