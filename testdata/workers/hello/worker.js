// The hot path: a synchronous fetch handler returning a string body.
export default {
  fetch(request) {
    return new Response("hi");
  },
};
