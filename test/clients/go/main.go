// A tiny Go program that talks to the local Tencent Cloud emulator through the official Go SDK, to prove
// the emulator accepts what that SDK signs and sends. Used by test/integration/emulator-clients.test.ts.
//
//	tc-go-client <endpoint-url> describe-instances
//	tc-go-client <endpoint-url> create-image <instance-id> <image-name>
//	tc-go-client <endpoint-url> describe-images <image-id>
//
// Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY; the region is ap-guangzhou.
// Prints the response JSON; on an API error prints {"Code": …} and exits 3.
package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: tc-go-client <endpoint-url> <command> [args]")
	}
	endpoint, err := url.Parse(os.Args[1])
	if err != nil || endpoint.Host == "" {
		fail("endpoint must be a URL such as http://127.0.0.1:9100")
	}
	credential := common.NewCredential(os.Getenv("TENCENTCLOUD_SECRET_ID"), os.Getenv("TENCENTCLOUD_SECRET_KEY"))
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = endpoint.Host
	cpf.HttpProfile.Scheme = endpoint.Scheme
	client, err := cvm.NewClient(credential, "ap-guangzhou", cpf)
	if err != nil {
		fail(err.Error())
	}

	var response interface{}
	switch args := os.Args[3:]; os.Args[2] {
	case "describe-instances":
		response, err = client.DescribeInstances(cvm.NewDescribeInstancesRequest())
	case "create-image":
		need(args, 2)
		req := cvm.NewCreateImageRequest()
		req.InstanceId = common.StringPtr(args[0])
		req.ImageName = common.StringPtr(args[1])
		response, err = client.CreateImage(req)
	case "describe-images":
		need(args, 1)
		req := cvm.NewDescribeImagesRequest()
		req.ImageIds = common.StringPtrs([]string{args[0]})
		response, err = client.DescribeImages(req)
	default:
		fail("unknown command " + os.Args[2])
	}
	if sdkErr, ok := err.(*errors.TencentCloudSDKError); ok {
		out, _ := json.Marshal(map[string]string{"Code": sdkErr.Code, "Message": sdkErr.Message})
		fmt.Println(string(out))
		os.Exit(3)
	}
	if err != nil {
		fail(err.Error())
	}
	out, _ := json.Marshal(response)
	fmt.Println(string(out))
}

func need(args []string, n int) {
	if len(args) < n {
		fail(fmt.Sprintf("this command needs %d argument(s)", n))
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(2)
}
