package a

//mapvet:ignore sharedmap the map is filled before any goroutine starts

//mapvet:ignore // want `mapvet:ignore needs a check name and a reason`

//mapvet:ignore sharedmp typo // want `mapvet:ignore names unknown check "sharedmp" \(checks: deferaccess, rlockwrite, sharedmap, guardedby, copiedowner, rangeinsert\); it suppresses nothing`

//mapvet:ignore rangeinsert // want `mapvet:ignore rangeinsert needs a reason after the check name`

//mapvet:ignore deferaccess,sharedmap both are joined by the caller

//mapvet:ignored is not a directive of ours
