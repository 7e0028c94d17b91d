module lonely

go 1.26
