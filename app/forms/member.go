package forms

import (
	"strconv"
	"strings"
	"time"

	"doorstep/schema/rules"
)

// Member is one household member as typed in the means-test visit. Text
// fields hold what the user typed, valid or not; codes are the schema's
// code-list values ("" = not chosen).
type Member struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	IDNumber           string `json:"id_number"`
	Sex                string `json:"sex"`
	BirthDate          string `json:"birth_date"`
	Relationship       string `json:"relationship"`
	Marital            string `json:"marital"`
	Health             string `json:"health"`
	DisabilityCategory string `json:"disability_category"`
	DisabilityGrade    string `json:"disability_grade"` // "1"–"4" as typed
	LabourCapacity     string `json:"labour_capacity"`
	Employment         string `json:"employment"`
	Counted            bool   `json:"counted"`
	NotCountedReason   string `json:"not_counted_reason"`
	// Stored is true when the member came from the database (so removing
	// them from the form deletes the row).
	Stored bool `json:"stored,omitempty"`
}

// Member field names, for issues: "members.<id>.<field>".
const (
	FieldName             = "name"
	FieldIDNumber         = "id_number"
	FieldSex              = "sex"
	FieldBirthDate        = "birth_date"
	FieldRelationship     = "relationship"
	FieldDisabilityGrade  = "disability_grade"
	FieldNotCountedReason = "not_counted_reason"
)

// MemberField returns the issue field name of a member's field.
func MemberField(memberID, field string) string { return "members." + memberID + "." + field }

// ParseID checks the member's ID number on ref, the reference date.
func (m Member) ParseID(ref time.Time) (rules.IDInfo, error) {
	return rules.ParseID(m.IDNumber, ref)
}

// FillFromID sets an empty sex and birth date from a valid ID number and
// reports whether it changed anything. A screen calls it as the ID is typed.
func (m *Member) FillFromID(ref time.Time) bool {
	info, err := m.ParseID(ref)
	if err != nil {
		return false
	}
	changed := false
	if m.Sex == "" {
		m.Sex, changed = string(info.Sex), true
	}
	if strings.TrimSpace(m.BirthDate) == "" {
		m.BirthDate, changed = info.Birth.Format(DateLayout), true
	}
	return changed
}

// Birth returns the member's birth date: the typed one if it is a date,
// else the one in a valid ID number, else the zero time (unknown).
func (m Member) Birth(ref time.Time) time.Time {
	if t, ok := ParseDate(m.BirthDate); ok {
		return t
	}
	if info, err := m.ParseID(ref); err == nil {
		return info.Birth
	}
	return time.Time{}
}

// validate checks one member: name, ID number (checksum and date), birth
// date and sex agreeing with the ID, relationship, disability grade, and a
// reason when not counted.
func (m Member) validate(ref time.Time, c *issues) {
	f := func(name string) string { return MemberField(m.ID, name) }
	if strings.TrimSpace(m.Name) == "" {
		c.required(f(FieldName))
	}
	id := strings.TrimSpace(m.IDNumber)
	var info rules.IDInfo
	idOK := false
	switch {
	case id == "":
		c.required(f(FieldIDNumber))
	default:
		var err error
		info, err = rules.ParseID(id, ref)
		if err == nil {
			idOK = true
			break
		}
		is := Issue{Field: f(FieldIDNumber)}
		if msg, ok := rules.MessageOf(err); ok {
			is.Rule = &msg
		}
		// A number still being typed is not an error yet.
		is.Incomplete = len([]rune(id)) < 18 && isDigits(id)
		c.list = append(c.list, is)
	}
	bd := strings.TrimSpace(m.BirthDate)
	birth, dateOK := ParseDate(bd)
	switch {
	case bd == "":
		if !idOK {
			c.required(f(FieldBirthDate))
		}
	case !dateOK:
		c.add(f(FieldBirthDate), MsgDate, nil)
	case idOK && !birth.Equal(info.Birth):
		c.add(f(FieldBirthDate), MsgBirthMismatch, map[string]any{"Date": info.Birth.Format(DateLayout)})
	case birth.After(ref):
		c.add(f(FieldBirthDate), MsgInFuture, nil)
	}
	switch {
	case m.Sex == "":
		if !idOK {
			c.required(f(FieldSex))
		}
	case idOK && m.Sex != string(info.Sex):
		c.add(f(FieldSex), MsgSexMismatch, nil)
	}
	if m.Relationship == "" {
		c.required(f(FieldRelationship))
	}
	if m.DisabilityCategory != "" {
		if g, err := strconv.Atoi(strings.TrimSpace(m.DisabilityGrade)); err != nil || g < 1 || g > 4 {
			c.list = append(c.list, Issue{Field: f(FieldDisabilityGrade), Key: MsgDisabilityGrade,
				Incomplete: strings.TrimSpace(m.DisabilityGrade) == ""})
		}
	}
	if !m.Counted && m.NotCountedReason == "" {
		c.list = append(c.list, Issue{Field: f(FieldNotCountedReason), Key: MsgNotCountedReason, Incomplete: true})
	}
}

// disabilityGrade returns the typed grade, 0 when none or invalid.
func (m Member) disabilityGrade() int {
	if m.DisabilityCategory == "" {
		return 0
	}
	g, err := strconv.Atoi(strings.TrimSpace(m.DisabilityGrade))
	if err != nil || g < 1 || g > 4 {
		return 0
	}
	return g
}

// normalisedID is the ID number trimmed with an upper-case X.
func (m Member) normalisedID() string { return strings.ToUpper(strings.TrimSpace(m.IDNumber)) }

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
