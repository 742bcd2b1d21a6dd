package rules

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"doorstep/schema/district"
)

// Sentinel errors of the Barthel index.
var (
	// ErrBarthelValue: an item has a value that item does not allow.
	ErrBarthelValue = errors.New("Barthel item value not allowed")
	// ErrBarthelItem: an item key is not one of BarthelItems.
	ErrBarthelItem = errors.New("unknown Barthel item")
	// ErrBarthelVersion: the grading version is not in the district config.
	ErrBarthelVersion = errors.New("unknown Barthel grading version")
)

// Message codes of Barthel errors.
const (
	// CodeBarthelValue args: item name (term), value, allowed values.
	CodeBarthelValue Code = "barthel.invalid_value"
	// CodeBarthelItem args: the key.
	CodeBarthelItem Code = "barthel.unknown_item"
	// CodeBarthelVersion args: the version key.
	CodeBarthelVersion Code = "barthel.unknown_version"
)

// Barthel grade codes: "barthel.grade." + a district.BarthelGrades key. The
// first four are the common wording (dependence), the last four MZ/T 039-2013's
// (impairment).
const (
	CodeBarthelIndependent        Code = "barthel.grade.independent"
	CodeBarthelMild               Code = "barthel.grade.mild"
	CodeBarthelModerate           Code = "barthel.grade.moderate"
	CodeBarthelSevere             Code = "barthel.grade.severe"
	CodeBarthelIntact             Code = "barthel.grade.intact"
	CodeBarthelMildImpairment     Code = "barthel.grade.mild_impairment"
	CodeBarthelModerateImpairment Code = "barthel.grade.moderate_impairment"
	CodeBarthelSevereImpairment   Code = "barthel.grade.severe_impairment"
)

// BarthelItem describes one Barthel item for a form: its key (also the JSON
// key and, prefixed with "b_", the elder_screenings column), its name and the
// only values it may take, ascending.
type BarthelItem struct {
	Key     string // e.g. "transfers"
	Name    Code   // the item's name, for labels
	Allowed []int  // the values the item may take, ascending
}

type barthelField struct {
	BarthelItem
	ptr func(*Barthel) *int
}

var barthelFields = []barthelField{
	{BarthelItem{"feeding", "barthel.item.feeding", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Feeding }},
	{BarthelItem{"bathing", "barthel.item.bathing", []int{0, 5}}, func(b *Barthel) *int { return &b.Bathing }},
	{BarthelItem{"grooming", "barthel.item.grooming", []int{0, 5}}, func(b *Barthel) *int { return &b.Grooming }},
	{BarthelItem{"dressing", "barthel.item.dressing", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Dressing }},
	{BarthelItem{"bowels", "barthel.item.bowels", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Bowels }},
	{BarthelItem{"bladder", "barthel.item.bladder", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Bladder }},
	{BarthelItem{"toilet", "barthel.item.toilet", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Toilet }},
	{BarthelItem{"transfers", "barthel.item.transfers", []int{0, 5, 10, 15}}, func(b *Barthel) *int { return &b.Transfers }},
	{BarthelItem{"mobility", "barthel.item.mobility", []int{0, 5, 10, 15}}, func(b *Barthel) *int { return &b.Mobility }},
	{BarthelItem{"stairs", "barthel.item.stairs", []int{0, 5, 10}}, func(b *Barthel) *int { return &b.Stairs }},
}

// BarthelItems returns the ten Barthel items in form order with their allowed
// values. The result is a fresh copy the caller may modify.
func BarthelItems() []BarthelItem {
	out := make([]BarthelItem, len(barthelFields))
	for i, f := range barthelFields {
		out[i] = f.BarthelItem
		out[i].Allowed = slices.Clone(f.Allowed)
	}
	return out
}

// Barthel holds the raw Barthel index items (0–100 in total). The zero value
// is a valid, fully dependent record (total 0).
type Barthel struct {
	Feeding   int `json:"feeding"`   // 进食 0/5/10
	Bathing   int `json:"bathing"`   // 洗澡 0/5
	Grooming  int `json:"grooming"`  // 修饰 0/5
	Dressing  int `json:"dressing"`  // 穿衣 0/5/10
	Bowels    int `json:"bowels"`    // 大便控制 0/5/10
	Bladder   int `json:"bladder"`   // 小便控制 0/5/10
	Toilet    int `json:"toilet"`    // 如厕 0/5/10
	Transfers int `json:"transfers"` // 床椅转移 0/5/10/15
	Mobility  int `json:"mobility"`  // 平地行走 45 m 0/5/10/15
	Stairs    int `json:"stairs"`    // 上下楼梯 0/5/10
}

func barthelField1(key string) (barthelField, bool) {
	for _, f := range barthelFields {
		if f.Key == key {
			return f, true
		}
	}
	return barthelField{}, false
}

func invalidBarthel(f barthelField, v int) *Error {
	allowed := make([]string, len(f.Allowed))
	for i, a := range f.Allowed {
		allowed[i] = strconv.Itoa(a)
	}
	return newError(ErrBarthelValue, CodeBarthelValue, term(f.Name), litInt(v), lit(strings.Join(allowed, "/")))
}

// Get returns the value of the item with key. Errors: ErrBarthelItem.
func (b Barthel) Get(key string) (int, error) {
	f, ok := barthelField1(key)
	if !ok {
		return 0, newError(ErrBarthelItem, CodeBarthelItem, lit(key))
	}
	return *f.ptr(&b), nil
}

// Set sets the item with key to v, if v is allowed for it; otherwise b is
// unchanged. Errors: ErrBarthelItem, ErrBarthelValue.
func (b *Barthel) Set(key string, v int) error {
	f, ok := barthelField1(key)
	if !ok {
		return newError(ErrBarthelItem, CodeBarthelItem, lit(key))
	}
	if !slices.Contains(f.Allowed, v) {
		return invalidBarthel(f, v)
	}
	*f.ptr(b) = v
	return nil
}

// Validate checks every item against its allowed values. It returns nil or
// the problems joined with errors.Join, one *Error (ErrBarthelValue) per bad
// item naming the item and value; MessageOf gives the first.
func (b Barthel) Validate() error {
	var errs []error
	for _, f := range barthelFields {
		if v := *f.ptr(&b); !slices.Contains(f.Allowed, v) {
			errs = append(errs, invalidBarthel(f, v))
		}
	}
	return errors.Join(errs...)
}

// Total returns the sum of the items. It does not validate; call Validate
// first (Grade does).
func (b Barthel) Total() int {
	t := 0
	for _, f := range barthelFields {
		t += *f.ptr(&b)
	}
	return t
}

// BarthelGrade is a graded Barthel total.
type BarthelGrade struct {
	// Version is the grading version key used.
	Version string
	// Total is the Barthel total, 0–100.
	Total int
	// Grade is "barthel.grade.<grade>", e.g. "barthel.grade.mild"; Text
	// renders it.
	Grade Code
}

// Grade validates b and grades its total with the named version from cfg
// (empty means cfg's default version). Errors: those of Validate, and
// ErrBarthelVersion.
func (b Barthel) Grade(version string, cfg district.Config) (BarthelGrade, error) {
	if err := b.Validate(); err != nil {
		return BarthelGrade{}, err
	}
	v, ok := cfg.BarthelVersion(version)
	if !ok {
		return BarthelGrade{}, newError(ErrBarthelVersion, CodeBarthelVersion, lit(version))
	}
	g := BarthelGrade{Version: v.Key, Total: b.Total()}
	for _, band := range v.Bands {
		if band.Min <= g.Total && g.Total <= band.Max {
			g.Grade = Code("barthel.grade." + band.Grade)
			return g, nil
		}
	}
	// Unreachable for a validated config, whose bands cover every total.
	return BarthelGrade{}, newError(ErrBarthelVersion, CodeBarthelVersion, lit(v.Key))
}
