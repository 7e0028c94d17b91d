module racer

go 1.26
