package roll

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/schema/rules"
)

// Book is what rolls are computed from, for an area: the benefit history
// of its households, who they are and where they are paid, and the closed
// rolls with their lines. Build one with Open; it is a snapshot of the
// database at that moment and safe for concurrent reads.
type Book struct {
	hist    map[string][]rules.Entitlement // by household
	payee   map[string]payee               // by household
	streets map[string]string              // community → street
	names   map[string]string              // community and street → name
	// closed holds the closed rolls by street and month.
	closed map[string]map[time.Time]Roll
	// paid sums the closed lines by household and month paid for.
	paid   map[string]map[time.Time]rules.PayLine
	area   desk.Area
	office string // the office's street, "" for the district
	// light Books (OpenForPeriod) hold the closed rolls' totals by street,
	// month and community instead of their lines.
	light        bool
	closedTotals map[string]map[time.Time]map[string]Totals
}

// payee is who a household's money goes to.
type payee struct {
	head, idNumber, bank, account, community string
}

// Open reads the book of the area (and the office's street).
func Open(ctx context.Context, o *desk.Office, a desk.Area) (*Book, error) {
	b := &Book{payee: map[string]payee{}, streets: map[string]string{}, names: map[string]string{},
		closed: map[string]map[time.Time]Roll{}, paid: map[string]map[time.Time]rules.PayLine{}, area: a,
		office: o.Street}
	var err error
	if b.hist, err = history.Load(ctx, o, a); err != nil {
		return nil, err
	}
	if err := b.loadPlaces(ctx, o); err != nil {
		return nil, err
	}
	cond, args := o.Filter("h.community_id", a)
	err = desk.Query(ctx, o.DB, "payees", `SELECT h.id, coalesce(h.community_id,''), coalesce(h.head_name,''),
		coalesce((SELECT m.id_number FROM members m WHERE m.household_id = h.id AND m.deleted = 0
			AND m.relationship = 'self' ORDER BY m.id LIMIT 1),''),
		coalesce(p.bank,''), coalesce(p.account,''), coalesce(p.holder_name,''), coalesce(p.holder_id_number,'')
		FROM households h LEFT JOIN payee_accounts p ON p.id = (SELECT x.id FROM payee_accounts x
			WHERE x.household_id = h.id AND x.deleted = 0 ORDER BY x.since DESC, x.id DESC LIMIT 1)
		WHERE h.deleted = 0`+cond, args, func(r *sql.Rows) error {
		var id, holder, holderID string
		var p payee
		if err := r.Scan(&id, &p.community, &p.head, &p.idNumber, &p.bank, &p.account, &holder, &holderID); err != nil {
			return err
		}
		if holder != "" {
			p.head, p.idNumber = holder, holderID
		}
		b.payee[id] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := b.loadClosed(ctx, o); err != nil {
		return nil, err
	}
	return b, nil
}

// OpenForPeriod reads what a report of the months beginning in [from, to]
// needs, and no more: the benefit history, where households are, the
// closed rolls' totals by community, and the closed lines of a household
// only for streets whose next open month (which settles them) lies in the
// period. Its closed rolls have no lines; Paid, History and Community work
// as on a full Book.
func OpenForPeriod(ctx context.Context, o *desk.Office, a desk.Area, from, to time.Time) (*Book, error) {
	b := &Book{payee: map[string]payee{}, streets: map[string]string{}, names: map[string]string{},
		closed: map[string]map[time.Time]Roll{}, paid: map[string]map[time.Time]rules.PayLine{}, area: a,
		office: o.Street, light: true, closedTotals: map[string]map[time.Time]map[string]Totals{}}
	var err error
	if b.hist, err = history.Load(ctx, o, a); err != nil {
		return nil, err
	}
	if err := b.loadPlaces(ctx, o); err != nil {
		return nil, err
	}
	cond, args := o.Filter("h.community_id", a)
	err = desk.Query(ctx, o.DB, "household communities", `SELECT h.id, coalesce(h.community_id,'')
		FROM households h WHERE h.deleted = 0`+cond, args, func(r *sql.Rows) error {
		var id string
		var p payee
		if err := r.Scan(&id, &p.community); err != nil {
			return err
		}
		b.payee[id] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	byID, err := b.loadRolls(ctx, o)
	if err != nil {
		return nil, err
	}
	lcond, largs := o.Filter("l.community_id", a)
	err = desk.Query(ctx, o.DB, "closed roll totals", `SELECT l.roll_id, coalesce(l.community_id,''),
		coalesce(l.kind,''), count(*), coalesce(sum(l.covered),0), coalesce(sum(l.base_fen),0),
		coalesce(sum(l.topup_fen),0), coalesce(sum(l.subsidy_fen),0)
		FROM payout_lines l WHERE l.deleted = 0 AND l.month BETWEEN ? AND ?`+lcond+` GROUP BY 1, 2, 3`,
		append([]any{from.Format(monthLayout), to.Format(monthLayout)}, largs...), func(r *sql.Rows) error {
			var rollID, community, kind string
			var n, covered int
			var l Line
			if err := r.Scan(&rollID, &community, &kind, &n, &covered, &l.BaseFen, &l.TopUpFen, &l.SubsidyFen); err != nil {
				return err
			}
			rl := byID[rollID]
			if rl == nil {
				return nil
			}
			l.Kind, l.Covered = kind, covered
			t := lineTotals(l)
			if kind == rules.LineRegular {
				t.Households = n
			}
			m := b.closedTotals[rl.StreetID]
			if m == nil {
				m = map[time.Time]map[string]Totals{}
				b.closedTotals[rl.StreetID] = m
			}
			if m[rl.Month] == nil {
				m[rl.Month] = map[string]Totals{}
			}
			m[rl.Month][community] = m[rl.Month][community].add(t)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for street := range b.closed {
		next, ok := b.NextOpen(street)
		if !ok || next.Before(from) || next.After(to) {
			continue
		}
		if err := b.loadLines(ctx, o, byID, `l.street_id = ?`, []any{street}); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// loadPlaces reads every community's street and the names of both.
func (b *Book) loadPlaces(ctx context.Context, o *desk.Office) error {
	return desk.Query(ctx, o.DB, "roll places", `SELECT c.id, coalesce(c.street_id,''), coalesce(c.name,''),
		coalesce(s.name,'') FROM communities c LEFT JOIN streets s ON s.id = c.street_id`, nil,
		func(r *sql.Rows) error {
			var id, street, name, sname string
			if err := r.Scan(&id, &street, &name, &sname); err != nil {
				return err
			}
			b.streets[id], b.names[id], b.names[street] = street, name, sname
			return nil
		})
}

// loadClosed reads the closed rolls of the area's streets and their lines
// in the area.
func (b *Book) loadClosed(ctx context.Context, o *desk.Office) error {
	byID, err := b.loadRolls(ctx, o)
	if err != nil {
		return err
	}
	return b.loadLines(ctx, o, byID, `1`, nil)
}

// loadRolls reads the closed rolls of the area's streets (without their
// lines), one per street and month, by id.
func (b *Book) loadRolls(ctx context.Context, o *desk.Office) (map[string]*Roll, error) {
	scond, sargs := o.Filter("c.id", desk.Area{StreetID: b.area.StreetID})
	byID := map[string]*Roll{}
	err := desk.Query(ctx, o.DB, "closed rolls", `SELECT r.id, coalesce(r.street_id,''), coalesce(r.month,''),
		coalesce(r.closed_on,''), coalesce(r.closed_by,''), coalesce(r.note,'') FROM payout_rolls r
		WHERE r.deleted = 0 AND r.street_id IN (SELECT c.street_id FROM communities c WHERE 1`+scond+`)
		ORDER BY r.month, r.id`, sargs, func(r *sql.Rows) error {
		var rl Roll
		var month, closed string
		if err := r.Scan(&rl.ID, &rl.StreetID, &month, &closed, &rl.ClosedBy, &rl.Note); err != nil {
			return err
		}
		m, err := time.Parse(monthLayout, month)
		if err != nil {
			return nil // a malformed month cannot be placed
		}
		rl.Month, rl.Closed, rl.Street = m, true, b.names[rl.StreetID]
		rl.ClosedOn, _ = desk.ParseDate(closed)
		if b.closed[rl.StreetID] == nil {
			b.closed[rl.StreetID] = map[time.Time]Roll{}
		}
		if _, dup := b.closed[rl.StreetID][m]; !dup {
			b.closed[rl.StreetID][m] = rl
			byID[rl.ID] = &rl
		}
		return nil
	})
	return byID, err
}

// loadLines reads the area's lines of the closed rolls byID matching cond
// (over alias l), adds them to their rolls and sums what each household
// was paid for each month.
func (b *Book) loadLines(ctx context.Context, o *desk.Office, byID map[string]*Roll, cond string, args []any) error {
	acond, aargs := o.Filter("l.community_id", b.area)
	err := desk.Query(ctx, o.DB, "closed roll lines", `SELECT l.roll_id, coalesce(l.household_id,''),
		coalesce(l.community_id,''), coalesce(l.kind,''), coalesce(l.for_month,''), coalesce(l.head_name,''),
		coalesce(l.id_number,''), coalesce(l.bank,''), coalesce(l.account,''), coalesce(l.covered,0),
		coalesce(l.base_fen,0), coalesce(l.topup_fen,0), coalesce(l.subsidy_fen,0)
		FROM payout_lines l WHERE l.deleted = 0 AND `+cond+acond, append(args, aargs...), func(r *sql.Rows) error {
		var rollID, forMonth string
		var l Line
		if err := r.Scan(&rollID, &l.HouseholdID, &l.CommunityID, &l.Kind, &forMonth, &l.Head, &l.IDNumber,
			&l.Bank, &l.Account, &l.Covered, &l.BaseFen, &l.TopUpFen, &l.SubsidyFen); err != nil {
			return err
		}
		rl := byID[rollID]
		fm, err := time.Parse(monthLayout, forMonth)
		if rl == nil || err != nil {
			return nil
		}
		l.ForMonth, l.Community = fm, b.names[l.CommunityID]
		rl.Lines = append(rl.Lines, l)
		if b.paid[l.HouseholdID] == nil {
			b.paid[l.HouseholdID] = map[time.Time]rules.PayLine{}
		}
		b.paid[l.HouseholdID][fm] = b.paid[l.HouseholdID][fm].Add(l.PayLine)
		return nil
	})
	if err != nil {
		return err
	}
	for _, rl := range byID {
		rl.sortLines()
		b.closed[rl.StreetID][rl.Month] = *rl
	}
	return nil
}

// monthLayout is how months are stored ("2025-07").
const monthLayout = "2006-01"

// NextOpen returns a street's next open month: the month after its last
// closed roll; ok is false when the street has never closed a roll (any
// month may then be closed first).
func (b *Book) NextOpen(street string) (month time.Time, ok bool) {
	for m := range b.closed[street] {
		if !ok || m.After(month) {
			month, ok = m, true
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return month.AddDate(0, 1, 0), true
}

// ClosedMonths returns the months a street has closed, oldest first.
func (b *Book) ClosedMonths(street string) []time.Time {
	var out []time.Time
	for m := range b.closed[street] {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// Roll returns a street's roll for month: the stored roll when the month
// is closed; otherwise the roll computed from the history as known on
// known (zero: everything recorded), holding — when the month is the
// street's next open month — the back-payment and recovery lines that
// settle every closed month.
func (b *Book) Roll(street string, month, known time.Time) Roll {
	month = rules.MonthStart(month)
	if rl, ok := b.closed[street][month]; ok {
		return rl
	}
	rl := Roll{StreetID: street, Street: b.names[street], Month: month}
	next, any := b.NextOpen(street)
	adjust := any && next.Equal(month)
	closedMonths := b.ClosedMonths(street)
	seen := map[string]bool{}
	for h, rows := range b.hist {
		seen[h] = true
		if b.streetOf(h, rows) != street {
			continue
		}
		if l, ok := rules.Due(rows, month, known); ok && l.TotalFen() != 0 {
			rl.Lines = append(rl.Lines, b.line(l))
		}
		if adjust {
			for _, c := range closedMonths {
				if l, ok := rules.Adjustment(rows, c, b.paidFor(h, c), known); ok {
					rl.Lines = append(rl.Lines, b.line(l))
				}
			}
		}
	}
	if adjust { // paid once, with no history now: recover everything
		for h, months := range b.paid {
			if seen[h] || b.streets[b.payee[h].community] != street && b.streets[firstCommunity(months)] != street {
				continue
			}
			for _, c := range closedMonths {
				if l, ok := rules.Adjustment(nil, c, months[c], known); ok {
					rl.Lines = append(rl.Lines, b.line(l))
				}
			}
		}
	}
	rl.sortLines()
	return rl
}

// paidFor returns what the closed rolls paid a household for month.
func (b *Book) paidFor(h string, month time.Time) rules.PayLine {
	p := b.paid[h][month]
	p.HouseholdID = h
	if p.CommunityID == "" {
		p.CommunityID = b.payee[h].community
	}
	return p
}

func firstCommunity(m map[time.Time]rules.PayLine) string {
	for _, l := range m {
		return l.CommunityID
	}
	return ""
}

// streetOf returns the street a household is paid in: its community's now.
func (b *Book) streetOf(h string, rows []rules.Entitlement) string {
	c := b.payee[h].community
	if c == "" && len(rows) > 0 {
		c = rows[len(rows)-1].CommunityID
	}
	return b.streets[c]
}

// line completes a computed line with the payee.
func (b *Book) line(l rules.PayLine) Line {
	p := b.payee[l.HouseholdID]
	if p.community != "" {
		l.CommunityID = p.community
	}
	return Line{PayLine: l, Community: b.names[l.CommunityID], Head: p.head, IDNumber: p.idNumber,
		Bank: p.bank, Account: p.account}
}

// Paid sums what an area's rolls pay for the months whose first day lies
// in [from, to], street by street: a closed month's stored lines, else the
// roll computed from the history as known on known. Only lines of the
// Book's area count.
func (b *Book) Paid(from, to, known time.Time) Totals {
	var t Totals
	streets := map[string]bool{}
	for c, s := range b.streets {
		if b.inArea(c) {
			streets[s] = true
		}
	}
	for s := range streets {
		for m := rules.MonthStart(from); !m.After(to); m = m.AddDate(0, 1, 0) {
			if m.Before(from) {
				continue
			}
			if _, closed := b.closed[s][m]; closed && b.light {
				for c, ct := range b.closedTotals[s][m] {
					if b.inArea(c) {
						t = t.add(ct)
					}
				}
				continue
			}
			rl := b.Roll(s, m, known)
			var lines []Line
			for _, l := range rl.Lines {
				if b.inArea(l.CommunityID) {
					lines = append(lines, l)
				}
			}
			t = t.add(Roll{Lines: lines}.Totals())
		}
	}
	return t
}

// inArea reports whether a community is in the Book's area and the
// office's street.
func (b *Book) inArea(c string) bool {
	if b.office != "" && b.streets[c] != b.office {
		return false
	}
	if b.area.CommunityID != "" {
		return c == b.area.CommunityID
	}
	return b.area.StreetID == "" || b.streets[c] == b.area.StreetID
}

// History returns the benefit history of the Book's households, by
// household. The map is shared: do not modify it.
func (b *Book) History() map[string][]rules.Entitlement { return b.hist }

// Community returns the community a household belongs to now (its row's,
// else its latest period's).
func (b *Book) Community(h string) string {
	if c := b.payee[h].community; c != "" {
		return c
	}
	if rows := b.hist[h]; len(rows) > 0 {
		return rows[len(rows)-1].CommunityID
	}
	return ""
}

// Street returns a community's street.
func (b *Book) Street(community string) string { return b.streets[community] }

// Name returns a street's or community's name.
func (b *Book) Name(id string) string { return b.names[id] }

// InArea reports whether a community lies in the Book's area and the
// office's street.
func (b *Book) InArea(community string) bool { return b.inArea(community) }
