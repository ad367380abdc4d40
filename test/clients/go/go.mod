module cvm-image-pipeline/test/clients/go

go 1.21

require (
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.211
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm v1.3.130
)
