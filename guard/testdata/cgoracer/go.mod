module cgoracer

go 1.26
