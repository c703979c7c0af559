-- The табельный номер by which 1C:ЗУП knows an employee (issue 17 §5): the payroll register's
-- ЗУП layout carries it. Empty until someone enters it.
ALTER TABLE employees ADD COLUMN personnel_number TEXT
