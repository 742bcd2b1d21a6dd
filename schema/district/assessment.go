package district

import "fmt"

// Institutions holds the care-institution rules: the assessment standard
// supervisors score each institution against every half year (以奖代补考核).
type Institutions struct {
	// Assessment is the standard: categories of scored items and the award
	// bands the total earns.
	Assessment Assessment `json:"assessment"`
}

// Assessment is a district's institution assessment standard. The seed
// district's has 8 categories with 26 items, 100 points in all.
type Assessment struct {
	Categories []AssessmentCategory `json:"categories"`
	// Bands map a total score to an award band, highest MinScore first;
	// a total below every band earns nothing.
	Bands []AwardBand `json:"bands"`
	// PrivateOnly pays awards to private (民办) institutions only; public
	// ones are scored but earn nothing.
	PrivateOnly bool `json:"private_only"`
}

// AssessmentCategory is one category (大项) of the standard.
type AssessmentCategory struct {
	Key    string           `json:"key"`
	NameZh string           `json:"name_zh"`
	NameEn string           `json:"name_en"`
	Items  []AssessmentItem `json:"items"`
}

// AssessmentItem is one scored item (小项): 0 to Max points.
type AssessmentItem struct {
	Key    string `json:"key"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en"`
	Max    int    `json:"max"`
}

// AwardBand is an award band: a total of MinScore or more earns AwardFen.
type AwardBand struct {
	Key      string `json:"key"` // e.g. "excellent"
	MinScore int    `json:"min_score"`
	AwardFen int64  `json:"award_fen"`
}

// MaxScore returns the highest total the standard allows.
func (a Assessment) MaxScore() int {
	n := 0
	for _, c := range a.Categories {
		for _, it := range c.Items {
			n += it.Max
		}
	}
	return n
}

// Items returns every item of the standard, category by category.
func (a Assessment) Items() []AssessmentItem {
	var out []AssessmentItem
	for _, c := range a.Categories {
		out = append(out, c.Items...)
	}
	return out
}

// Band returns the band a total earns; ok is false below every band.
func (a Assessment) Band(total int) (AwardBand, bool) {
	for _, b := range a.Bands {
		if total >= b.MinScore {
			return b, true
		}
	}
	return AwardBand{}, false
}

func (c Config) validateInstitutions(k *checker) {
	a := c.Institutions.Assessment
	if len(a.Categories) == 0 {
		k.fail("institutions.assessment.categories", "must not be empty")
	}
	keys := map[string]bool{}
	for i, cat := range a.Categories {
		f := fmt.Sprintf("institutions.assessment.categories[%d]", i)
		if cat.Key == "" || keys[cat.Key] {
			k.fail(f+".key", "must be a unique non-empty key, got %q", cat.Key)
		}
		keys[cat.Key] = true
		if len(cat.Items) == 0 {
			k.fail(f+".items", "must not be empty")
		}
		for j, it := range cat.Items {
			fi := fmt.Sprintf("%s.items[%d]", f, j)
			if it.Key == "" || keys[it.Key] {
				k.fail(fi+".key", "must be a unique non-empty key, got %q", it.Key)
			}
			keys[it.Key] = true
			if it.Max <= 0 {
				k.fail(fi+".max", "must be positive, got %d", it.Max)
			}
		}
	}
	for i, b := range a.Bands {
		f := fmt.Sprintf("institutions.assessment.bands[%d]", i)
		if b.Key == "" {
			k.fail(f+".key", "must not be empty")
		}
		if i > 0 && b.MinScore >= a.Bands[i-1].MinScore {
			k.fail(f+".min_score", "must be below the band before (%d), got %d", a.Bands[i-1].MinScore, b.MinScore)
		}
		if b.MinScore < 0 || b.MinScore > a.MaxScore() {
			k.fail(f+".min_score", "must be between 0 and %d, got %d", a.MaxScore(), b.MinScore)
		}
		k.nonNegative(f+".award_fen", b.AwardFen)
	}
}
