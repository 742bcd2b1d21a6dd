package forms

import (
	"errors"
	"fmt"
	"strings"

	"doorstep/schema/rules"
)

// Issue is one validation problem of one field. Its wording is either a
// schema/rules Message (Rule) or one of the app's own messages: Key is then a
// translation ID of assets/translations with Args as its template data, which
// the UI renders with lang.L. Either way the text is in the user's language.
type Issue struct {
	// Field names the field, e.g. "members.<id>.id_number" or "staff"; the
	// screen shows the message next to that field.
	Field string
	// Rule is the message of a domain rule, or nil.
	Rule *rules.Message
	// Key and Args are the app's own message when Rule is nil.
	Key  string
	Args map[string]any
	// Incomplete marks issues that only say something is missing or not yet
	// fully typed (a required field, an ID number still short of 18
	// characters). Screens show them after the user asks to save, not while
	// typing.
	Incomplete bool
}

// Text renders the issue in language lang ("zh-CN" or "en"); tr renders the
// app's own messages (lang.L in the UI).
func (i Issue) Text(lang string, tr func(key string, args map[string]any) string) string {
	if i.Rule != nil {
		return i.Rule.Text(lang)
	}
	if i.Args == nil {
		return tr(i.Key, nil)
	}
	return tr(i.Key, i.Args)
}

// Messages of the forms' own validation rules: translation IDs in
// assets/translations (zh-CN.json and en.json).
const (
	MsgRequired         = "forms.error.required"
	MsgAmount           = "forms.error.amount"
	MsgArea             = "forms.error.area"
	MsgDate             = "forms.error.date"
	MsgTime             = "forms.error.time"
	MsgBirthMismatch    = "forms.error.birth_mismatch"
	MsgSexMismatch      = "forms.error.sex_mismatch"
	MsgDuplicateID      = "forms.error.duplicate_id"
	MsgDisabilityGrade  = "forms.error.disability_grade"
	MsgNotCountedReason = "forms.error.not_counted_reason"
	MsgStaffTooFew      = "forms.error.staff_too_few"
	MsgInspectorsTooFew = "forms.error.inspectors_too_few"
	MsgSignatureMissing = "forms.error.signature_missing"
	MsgNoMembers        = "forms.error.no_members"
	MsgNoSelf           = "forms.error.no_self"
	MsgIncomeMember     = "forms.error.income_member"
	MsgEndBeforeStart   = "forms.error.end_before_start"
	MsgNextBeforeVisit  = "forms.error.next_before_visit"
	MsgInFuture         = "forms.error.in_future"
	MsgBarthelUnscored  = "forms.error.barthel_unscored"
	MsgNotPaired        = "forms.error.not_paired"
	MsgDeadlineRequired = "forms.error.deadline_required"
	MsgDeadlineInPast   = "forms.error.deadline_in_past"
	MsgReadOnly         = "forms.error.read_only"
	MsgPhone            = "forms.error.phone"
	MsgServicesRequired = "forms.error.services_required"
	// MsgInspectorCaseworker: the household's caseworker is among a spot
	// check's inspectors.
	MsgInspectorCaseworker = "forms.error.inspector_caseworker"
)

// MessageKeys lists every translation ID the package's issues,
// discrepancies and pairing reasons use, so the app can check that its
// translation files have them all.
var MessageKeys = []string{
	MsgRequired, MsgAmount, MsgArea, MsgDate, MsgTime, MsgBirthMismatch, MsgSexMismatch,
	MsgDuplicateID, MsgDisabilityGrade, MsgNotCountedReason, MsgStaffTooFew, MsgInspectorsTooFew,
	MsgSignatureMissing, MsgNoMembers, MsgNoSelf, MsgIncomeMember, MsgEndBeforeStart,
	MsgNextBeforeVisit, MsgInFuture, MsgBarthelUnscored, MsgNotPaired, MsgDeadlineRequired,
	MsgDeadlineInPast, MsgReadOnly, MsgPhone, MsgServicesRequired, MsgInspectorCaseworker,
	MsgPairingCount, MsgPairingActive, MsgPairingRole, MsgPairingReason, MsgPersonTimes,
	MsgDiscNotFound, MsgDiscNotLiving, MsgDiscMakeup, MsgDiscMembersChanged, MsgDiscAssets,
	MsgDiscAssetsChanged, MsgDiscIncome, MsgDiscIncomeStandard, MsgDiscNotPaidFull, MsgDiscFees,
	MsgDiscPaidDiffers, MsgPairingSevere, MsgPairingAlone, MsgPairingRisk, MsgPairingNone,
}

// Issues is a list of validation problems; as an error it says the form
// was not saved.
type Issues []Issue

// Error lists the fields with problems.
func (is Issues) Error() string {
	fields := make([]string, len(is))
	for i, x := range is {
		fields[i] = x.Field
	}
	return fmt.Sprintf("form has %d problem(s): %s", len(is), strings.Join(fields, ", "))
}

// For returns the issues of one field.
func (is Issues) For(field string) Issues {
	var out Issues
	for _, x := range is {
		if x.Field == field {
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether field has an issue.
func (is Issues) Has(field string) bool { return len(is.For(field)) > 0 }

// AsIssues returns the issues an error from a Save carries, if it is a
// validation failure.
func AsIssues(err error) (Issues, bool) {
	var is Issues
	if errors.As(err, &is) {
		return is, true
	}
	return nil, false
}

// issues collects problems while validating.
type issues struct{ list Issues }

func (c *issues) add(field, key string, args map[string]any) {
	c.list = append(c.list, Issue{Field: field, Key: key, Args: args})
}

func (c *issues) required(field string) {
	c.list = append(c.list, Issue{Field: field, Key: MsgRequired, Incomplete: true})
}

// rule records the user-facing message of a rules error (or, for any other
// error, its text as a literal message).
func (c *issues) rule(field string, err error) {
	m, ok := rules.MessageOf(err)
	if !ok {
		m = rules.Message{Code: rules.Code(err.Error())}
	}
	c.list = append(c.list, Issue{Field: field, Rule: &m})
}

// result returns nil when there were no problems.
func (c *issues) result() Issues {
	if len(c.list) == 0 {
		return nil
	}
	return c.list
}

// resultFor is result for a submission (submit) or, leaving out what is
// only incomplete, for a draft: a draft may leave things out, but not hold
// wrong values.
func (c *issues) resultFor(submit bool) Issues {
	all := c.result()
	if submit {
		return all
	}
	var out Issues
	for _, is := range all {
		if !is.Incomplete {
			out = append(out, is)
		}
	}
	return out
}
