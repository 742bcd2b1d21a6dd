// Package supervisor holds the supervisor's desk screens: review, meeting, spot-check draw,
// conflicts, reports and Today's desk summary; it reaches the rest only through kit.Nav.
package supervisor
