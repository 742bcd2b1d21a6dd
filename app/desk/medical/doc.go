// Package medical is the medical-assistance register (医疗救助): one-off
// amounts granted to people in financial hardship after a sudden accident
// or a serious illness (低保 and 特困 people and low-income families
// first), and its export.
package medical
