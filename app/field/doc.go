// Package field holds the field staff's screens (community worker, volunteer): Today,
// households, elders and their forms; it reaches the rest of the app only through kit.Nav.
package field
