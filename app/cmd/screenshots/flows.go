package main

import (
	"doorstep/app"
	"doorstep/schema"
)

// flowShots are the 三小 group activity, pairing management and the
// volunteer log with co-volunteers (issue 12's missing flows): for staff
// the activity form, an elder's pairing being ended (with its reason) and
// an unpaired elder's pairing being made, its mode pre-set to what their
// latest screening recommends; for a volunteer the log of an elder they
// visit with others, who are offered as co-volunteers. They come after
// the role's other shots: the dialogs change nothing, and the activity
// form is the last draft.
func flowShots(role schema.Role) []shot {
	switch role {
	case schema.RoleVolunteer:
		return []shot{{"visitlog-co", func(x *app.App) error {
			id, err := pick(x, `SELECT elder_id FROM volunteer_pairings
				WHERE deleted = 0 AND coalesce(ended_on,'') = '' AND mode <> 'one_to_one'
				AND volunteer_ids LIKE '%"' || ? || '"%' ORDER BY mode = 'many_to_one' DESC, elder_id LIMIT 1`,
				x.Identity().UserID)
			if err == nil {
				err = formOn(x, "elders", "volunteer_visit", id)
			}
			return err
		}}}
	case schema.RoleWorker:
		elderDialog := func(q, key string) func(x *app.App) error {
			return func(x *app.App) error {
				id, err := pick(x, q)
				if err != nil {
					return err
				}
				if err := show(x, "elders"); err != nil {
					return err
				}
				x.OpenElder(id)
				// The dialog is sized to the window it opens in: the
				// first capture's.
				x.Window().Resize(orientations[0].size)
				return tap(x, key)
			}
		}
		return []shot{
			{"pairing-end", elderDialog(`SELECT elder_id FROM volunteer_pairings
				WHERE deleted = 0 AND coalesce(ended_on,'') = ''
				ORDER BY mode = 'many_to_one' DESC, elder_id LIMIT 1`, "pairing.end")},
			{"pairing-create", elderDialog(`SELECT e.id FROM elders e WHERE e.deleted = 0
				AND NOT EXISTS (SELECT 1 FROM volunteer_pairings p WHERE p.elder_id = e.id
					AND p.deleted = 0 AND coalesce(p.ended_on,'') = '')
				AND EXISTS (SELECT 1 FROM elder_screenings s WHERE s.elder_id = e.id AND s.deleted = 0
					AND s.state = 'submitted' AND coalesce(s.pairing_advice,'') <> '')
				ORDER BY e.id LIMIT 1`, "pairing.create")},
			{"activity", func(x *app.App) error {
				if err := show(x, "elders"); err != nil {
					return err
				}
				return tap(x, "activity.new")
			}},
		}
	}
	return nil
}
