package report

import "sort"

// Place is one street's or community's 低保 figures.
type Place struct {
	ID, Name         string
	Households       int
	People           int
	MonthlyPayoutFen int64
	Added, Cancelled int
}

// sortPlaces lists the places with any figure, by name then id. The 低保
// figures are broken down by street when the area spans several streets,
// else by community.
func sortPlaces(m map[string]*Place) []Place {
	var out []Place
	for _, p := range m {
		if p.Households+p.Added+p.Cancelled > 0 {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}
