package demo

import "doorstep/schema/rules"

// historyRows adds the benefit history, payee accounts and closed payout
// rolls.
func (g *gen) historyRows(add func(table, id string, v map[string]any)) {
	for _, h := range g.hhs {
		rows := g.entitlements(h)
		for i, p := range h.periods {
			e := rows[i]
			add("entitlements", p.id, map[string]any{"household_id": h.id, "community_id": h.comm.id,
				"decision_id": p.decision, "kind": p.kind, "decided_on": dateStr(p.decided),
				"effective_from": dateStr(p.from), "until": optDate(p.until), "status": p.status,
				"base_fen": e.BaseFen, "topup_fen": e.TopUpFen, "covered": int64(e.Covered),
				"subsidy_fen": e.SubsidyFen, "reason": p.reason, "note": p.note,
				"recorded_by": p.recordedBy.id, "recorded_at": instStr(p.recorded)})
		}
		if a := h.account; a != nil {
			hd := h.head()
			add("payee_accounts", a.id, map[string]any{"household_id": h.id, "community_id": h.comm.id,
				"holder_name": hd.name, "holder_id_number": hd.idNumber, "bank": a.bank, "account": a.account,
				"since": dateStr(a.since)})
		}
	}
	for _, rl := range g.rolls {
		month := rl.month.Format("2006-01")
		var households, people, base, topUp, subsidy, total int64
		for _, pl := range rl.lines {
			l, h := pl.l, pl.h
			households++
			people += int64(l.Covered)
			base += l.BaseFen
			topUp += l.TopUpFen
			subsidy += l.SubsidyFen
			total += l.TotalFen()
			add("payout_lines", rules.RollLineID(rl.id, h.id, l.Kind, month), map[string]any{"roll_id": rl.id,
				"street_id": rl.street.id, "month": month, "household_id": h.id, "community_id": h.comm.id,
				"kind": l.Kind, "for_month": l.ForMonth.Format("2006-01"), "head_name": h.head().name,
				"id_number": h.head().idNumber, "bank": h.account.bank, "account": h.account.account,
				"covered": int64(l.Covered), "base_fen": l.BaseFen, "topup_fen": l.TopUpFen,
				"subsidy_fen": l.SubsidyFen, "total_fen": l.TotalFen()})
		}
		add("payout_rolls", rl.id, map[string]any{"street_id": rl.street.id, "month": month,
			"closed_on": dateStr(rl.closed), "closed_by": rl.by.id, "closed_at": instStr(at(rl.closed, 17, 0)),
			"households": households, "people": people, "base_fen": base, "topup_fen": topUp,
			"subsidy_fen": subsidy, "adjust_fen": int64(0), "total_fen": total,
			"note": rl.street.name + rl.month.Format("2006年1月") + "低保金发放花名册"})
	}
}
