// Trunk initializer: reports download progress and turns a failed start into a visible message.
export default function initializer() {
  const boot = () => window.faultlineBoot;
  return {
    onStart: () => boot()?.progress(0, 1),
    onProgress: ({ current, total }) => boot()?.progress(current, total),
    onComplete: () => {},
    onSuccess: () => boot()?.started(),
    onFailure: (error) => {
      console.error("Faultline failed to start:", error);
      boot()?.failed(String(error && error.message ? error.message : error));
    },
  };
}
