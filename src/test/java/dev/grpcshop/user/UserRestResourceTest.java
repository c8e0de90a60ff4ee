package dev.grpcshop.user;

import dev.grpcshop.api.user.v1.GetUserRequest;
import dev.grpcshop.api.user.v1.User;
import dev.grpcshop.support.Shop;
import dev.grpcshop.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** The REST/JSON GetUser (kept for the gRPC-vs-REST benchmark) serves the same data under the same rules. */
@QuarkusTest
class UserRestResourceTest {

    @Test
    void restGetUserReturnsWhatGrpcReturnsUnderTheSameAccessRules() throws Exception {
        try (Shop shop = Shop.connect()) {
            long alice = shop.newUser();
            long bob = shop.newUser();
            User grpc = shop.users.getUser(GetUserRequest.newBuilder().setId(alice).build());

            given().auth().oauth2(Tokens.user(alice)).get("/api/v1/users/" + alice).then().statusCode(200)
                    .body("id", equalTo(Math.toIntExact(alice)))
                    .body("name", equalTo(grpc.getName()))
                    .body("email", equalTo(grpc.getEmail()))
                    .body("status", equalTo("ACTIVE"))
                    .body("version", equalTo(Math.toIntExact(grpc.getVersion())));
            given().get("/api/v1/users/" + alice).then().statusCode(401);
            given().auth().oauth2("not.a.jwt").get("/api/v1/users/" + alice).then().statusCode(401);
            given().auth().oauth2(Tokens.user(bob)).get("/api/v1/users/" + alice).then().statusCode(403)
                    .body("code", equalTo("PERMISSION_DENIED"));
            given().auth().oauth2(Tokens.admin()).get("/api/v1/users/987654321").then().statusCode(404)
                    .body("code", equalTo("NOT_FOUND"));
        }
    }
}
