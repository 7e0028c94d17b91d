package p

func F() {}

//mapvet:ignore boom this line is quiet
func G() {}

func H() {}
