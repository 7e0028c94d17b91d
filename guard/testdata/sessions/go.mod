module sessions

go 1.26
