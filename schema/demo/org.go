package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"doorstep/schema"
)

// street is one 街道 and its office's supervisors.
type street struct {
	id, name, code string
	comms          []*community
	supervisors    []*staffer
}

// community is one 社区 with its workers and volunteers.
type community struct {
	id, code   string
	spec       communitySpec
	street     *street
	workers    []*staffer
	volunteers []*staffer
	nextWorker int // round-robin caseworker assignment
}

// staffer is a row of the staff table: a community worker, volunteer or
// street / district supervisor.
type staffer struct {
	id, name, role, phone string
	street                *street    // nil for district staff
	comm                  *community // nil for supervisors
}

// organisation makes the streets, communities and staff: 3 district
// supervisors, 2 supervisors per street, 3–5 community workers per
// community (more where more households live) and 6–12 volunteers.
func (g *gen) organisation() {
	r := stream(g.seed, "organisation")
	created := addDays(g.from, -400)
	mk := func(role schema.Role, s *street, c *community, born int) *staffer {
		male := r.IntN(100) < 45
		st := &staffer{
			id:     g.ids.uuid(at(addDays(created, r.IntN(300)), 9, r.IntN(60))),
			name:   personName(r, "", born, male),
			role:   string(role),
			phone:  phone(r),
			street: s, comm: c,
		}
		g.staff = append(g.staff, st)
		return st
	}
	for i := 0; i < 3; i++ {
		g.districtSV = append(g.districtSV, mk(schema.RoleSupervisor, nil, nil, 1968+r.IntN(20)))
	}
	for i, ss := range streetSpecs {
		s := &street{
			id:   g.ids.uuid(at(created, 8, i)),
			name: ss.name,
			code: fmt.Sprintf("%s%03d", regionCode, i+1),
		}
		g.streets = append(g.streets, s)
		for j, cs := range ss.communities {
			c := &community{
				id:     g.ids.uuid(at(created, 8, 20+len(g.comms))),
				code:   fmt.Sprintf("%s%03d", s.code, j+1),
				spec:   cs,
				street: s,
			}
			s.comms = append(s.comms, c)
			g.comms = append(g.comms, c)
		}
	}
	for _, s := range g.streets {
		for i := 0; i < 2; i++ {
			s.supervisors = append(s.supervisors, mk(schema.RoleSupervisor, s, nil, 1970+r.IntN(20)))
		}
		for _, c := range s.comms {
			for i, n := 0, 3+c.spec.weight/6; i < n; i++ {
				c.workers = append(c.workers, mk(schema.RoleWorker, s, c, 1972+r.IntN(28)))
			}
			for i, n := 0, 6+r.IntN(7); i < n; i++ {
				// Volunteers: retirees and students, as in most communities.
				born := 1950 + r.IntN(18)
				if r.IntN(100) < 40 {
					born = 1995 + r.IntN(9)
				}
				c.volunteers = append(c.volunteers, mk(schema.RoleVolunteer, s, c, born))
			}
		}
	}
}

// caseworker returns the next community worker in c, round robin.
func (c *community) caseworker() *staffer {
	w := c.workers[c.nextWorker%len(c.workers)]
	c.nextWorker++
	return w
}

// partner returns a worker of c other than w (visits need two staff).
func (c *community) partner(r *rand.Rand, w *staffer) *staffer {
	for {
		p := c.workers[r.IntN(len(c.workers))]
		if p != w {
			return p
		}
	}
}

// reviewer returns a supervisor of c's street.
func (c *community) reviewer(r *rand.Rand) *staffer {
	return c.street.supervisors[r.IntN(len(c.street.supervisors))]
}

// pickCommunity draws a community with probability proportional to its weight.
func (g *gen) pickCommunity(r *rand.Rand) *community {
	total := 0
	for _, c := range g.comms {
		total += c.spec.weight
	}
	n := r.IntN(total)
	for _, c := range g.comms {
		if n < c.spec.weight {
			return c
		}
		n -= c.spec.weight
	}
	return g.comms[len(g.comms)-1]
}

// workTime returns a working-hours instant on day d (8:30–16:30 China time).
func workTime(r *rand.Rand, d time.Time) time.Time {
	return at(d, 8, 30).Add(time.Duration(r.IntN(8*60)) * time.Minute)
}
