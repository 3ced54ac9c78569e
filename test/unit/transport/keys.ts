/** Public keys and their fingerprints as `ssh-keygen -lf` printed them (OpenSSH 9.2). */
export const K1 = { type: 'ssh-ed25519', b64: 'AAAAC3NzaC1lZDI1NTE5AAAAIPYiiruijAMAngm0nhB2P+901c0HTz8rFS7TYItlXn4q', fp: 'SHA256:LhdzDXrbJXrNoIz/JNeUm0TyNpiseYD675Itq9qeyAM' };
export const K2 = { type: 'ssh-ed25519', b64: 'AAAAC3NzaC1lZDI1NTE5AAAAIP737iTO5PGvU69b+wIIZ1Y5X1g+Rd/bo074OZucQtY9', fp: 'SHA256:NxwHRjY/abnEmT9e3EVj7/OKdt5BderGVS9ggMi5DJc' };
export const K3 = { type: 'ecdsa-sha2-nistp256', b64: 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMAL33XzR1qarz+UfCOocp2bl6kypcz2GOvP5t54k9VFRmU1juKbNSrGa9VmUPKihkPa3vPElKdlRo/qQCmk4+g=', fp: 'SHA256:GiJNfJkr2gTZ8jALWokIgDQYGukQ6rOpZGkuoVCZiR8' };
export const K4 = {
  type: 'ssh-rsa',
  b64: 'AAAAB3NzaC1yc2EAAAADAQABAAABAQCkfzLhvxLb6PXASNgikcQu0CugV7n6TPVh6c7Lm/UUegtKA5cyMOayxCvjwY6g29pSc5aK3Z0vn68oX/lU3N30blSsLSxxZ9Vjs35/PlkRmIoruIL9dQiWETQCLqQYqtyPDRDrPfdbT2JqJqZc5+sXsLv8W7fqHO5OFZ6xsifG968WTV82F9ZvJi+I26wV5ZRh+/8FC6OYQF5D8sNCwwi1FcRP40MmKTe27m3n6UWKOEQNx76J7FNsdU8Byq3kWFwI9cfnx7O/CMn+lovAb7CGcXgGaGbPatqa/zPVKvCId5+dLpnB3464lYTjPRyvpsgWYm1cumfBNHXsrSic6x+/',
  fp: 'SHA256:MWvfW3eCczAXoxEIepLatJTHAT3G8DNxbmIUU+OYOng',
};
/** `ssh-keygen -H` of "198.18.0.5 <K1>". */
export const HASHED_K1_FOR_198_18_0_5 = '|1|mbhZRVNOr2G5qW3sUqb9K5nUPeI=|KF3qPkAIu1SdCz5js7fqkO9zHKA= ssh-ed25519 ' + K1.b64;

export const blob = (k: { b64: string }) => Buffer.from(k.b64, 'base64');
