package forms

import (
	"slices"
	"strings"
)

// A form's outline is its index: the sections in screen order, which
// fields each holds, and from the model's required fields and its issues
// how far each section is filled in and which problems to list on submit.
// The screens draw it (app/kit FormNav); the rules are here so they are
// tested without a UI.

// Section is one section of a form.
type Section struct {
	// Key is the section's translated title key, e.g. "visit.members".
	Key string
	// Fields are the field names the section holds: a field belongs to
	// the section when it is one of them or starts with one and a dot
	// ("members" holds "members.<id>.name").
	Fields []string
}

// holds reports whether field belongs to the section.
func (s Section) holds(field string) bool {
	for _, f := range s.Fields {
		if field == f || strings.HasPrefix(field, f+".") {
			return true
		}
	}
	return false
}

// Outline is a form's sections in screen order.
type Outline []Section

// SectionOf returns the index of the section holding field, -1 when none.
func (o Outline) SectionOf(field string) int {
	return slices.IndexFunc(o, func(s Section) bool { return s.holds(field) })
}

// Progress is how far one section is filled in.
type Progress struct {
	// Key is the section's title key.
	Key string
	// Required counts the section's required fields, Done those answered.
	Required, Done int
	// Problems counts the section's issues of any kind (missing or wrong).
	Problems int
}

// Complete reports whether every required field is answered and nothing
// is wrong.
func (p Progress) Complete() bool { return p.Done == p.Required && p.Problems == 0 }

// Progress returns each section's progress given the model's required
// fields and its issues as for submission: a required field is done when
// no "incomplete" issue names it.
func (o Outline) Progress(required []string, is Issues) []Progress {
	missing := map[string]bool{}
	for _, i := range is {
		if i.Incomplete {
			missing[i.Field] = true
		}
	}
	out := make([]Progress, len(o))
	for n, s := range o {
		out[n].Key = s.Key
	}
	for _, f := range dedupe(required) {
		if n := o.SectionOf(f); n >= 0 {
			out[n].Required++
			if !missing[f] {
				out[n].Done++
			}
		}
	}
	for _, i := range is {
		if n := o.SectionOf(i.Field); n >= 0 {
			out[n].Problems++
		}
	}
	return out
}

// Problems returns the issues in screen order — by section, then as the
// model reported them — for the list shown on submit; issues of no
// section come last.
func (o Outline) Problems(is Issues) Issues {
	out := slices.Clone(is)
	rank := func(i Issue) int {
		if n := o.SectionOf(i.Field); n >= 0 {
			return n
		}
		return len(o)
	}
	slices.SortStableFunc(out, func(a, b Issue) int { return rank(a) - rank(b) })
	return out
}

// IsRequired reports whether field is among required.
func IsRequired(required []string, field string) bool { return slices.Contains(required, field) }

func dedupe(fields []string) []string {
	seen := make(map[string]bool, len(fields))
	out := fields[:0:0]
	for _, f := range fields {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
