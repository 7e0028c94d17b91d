package broken

var count int = "many"
